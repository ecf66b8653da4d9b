import { existsSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import * as tar from "tar";
import { exec } from "../../exec/exec.ts";
import type { ExecResult } from "../../exec/exec-result.ts";
import { spawnDaemon, type Daemon } from "../../exec/daemon.ts";
import { findBuildxPlugin } from "../../engine/host-tools.ts";
import { REPO_ROOT } from "../../grading/exercise.ts";

/** The unprivileged account that plays the learner; in the `docker` group, as Docker's docs set it up. */
export const LEARNER = "bkg-learner";

/** What provision.sh puts on this machine and no learner's machine has. */
const HIDDEN_DIRS = ["/opt/bk-grader", "/var/lib/bk-grader"];
const HIDDEN_TOOLS = [
  "dockerd",
  "containerd",
  "containerd-shim-runc-v2",
  "docker-proxy",
  "docker-init",
  "runc",
  "docker-registry",
  "sshd",
  "cosign",
  "mmdebstrap",
  "git-shell",
  "qemu-aarch64-static",
];

/**
 * This machine made to look like a learner's: an unprivileged user in the docker group, a
 * fresh copy of the project in its home, and every command it runs in a mount namespace where
 * provision.sh's engine, state and tools are not there. Only the Docker CLI (with buildx in the
 * user's own plugin folder, as Docker Desktop and docker-ce install it), Node and npm remain.
 */
export interface LearnerMachine {
  readonly home: string;
  /** The project as the learner cloned it. */
  readonly project: string;
  run(command: readonly string[], options?: RunOptions): Promise<ExecResult>;
  /** Gives a folder the test changed back to the learner. */
  chown(path: string): Promise<void>;
  /** Starts a command in a process group of its own (for Ctrl-C), its output in `logFile`. */
  start(command: readonly string[], options: RunOptions & { logFile: string }): Daemon;
  dispose(): Promise<void>;
}

export interface RunOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export async function learnerMachine(setup: {
  /** The engine the learner's Docker CLI talks to (default: this machine's shared one). */
  readonly dockerHost?: string;
  /** Variables of the learner's shell besides HOME, USER and PATH. */
  readonly env?: Readonly<Record<string, string>>;
  /** The learner's ~/.docker/config.json (a company proxy's settings, say). */
  readonly dockerConfig?: object;
}): Promise<LearnerMachine> {
  await ensureLearnerAccount(setup.dockerHost);
  const home = await mkdtemp(join(tmpdir(), "bkg-home-"));
  const project = join(home, "course");
  await copyProject(project);
  await giveBuildxPlugin(home);
  if (setup.dockerConfig)
    await writeFile(join(home, ".docker/config.json"), JSON.stringify(setup.dockerConfig));
  // npm's cache copied in: `npm ci --offline` then proves the install needs nothing of the host.
  await cp("/root/.npm/_cacache", join(home, ".npm/_cacache"), { recursive: true }).catch(() => undefined);
  // The grader image's Debian packages, outside the hidden state folder.
  await cp("/var/lib/bk-grader/grader-debs/", join(home, "grader-debs"), {
    recursive: true,
    dereference: true,
  });
  await exec("chown", ["-R", `${LEARNER}:${LEARNER}`, home], { timeoutMs: 120_000 });
  await chmod(home, 0o755);
  const script = await hidingScript(home);
  const envOf = (extra: Readonly<Record<string, string>> = {}): string[] => {
    const env: Record<string, string> = {
      HOME: home,
      USER: LEARNER,
      PATH: "/usr/local/bin:/usr/bin:/bin",
      LANG: "C.UTF-8",
      npm_config_cache: join(home, ".npm"),
      npm_config_update_notifier: "false",
      GRADER_IMAGE_DEBS: join(home, "grader-debs"),
      ...(setup.dockerHost ? { DOCKER_HOST: setup.dockerHost } : {}),
      ...setup.env,
      ...extra,
    };
    return Object.entries(env).map(([k, v]) => `${k}=${v}`);
  };
  const argv = (command: readonly string[], options: RunOptions = {}): string[] => [
    "-m",
    "--propagation",
    "private",
    "sh",
    script,
    project,
    ...envOf(options.env),
    ...command,
  ];
  return {
    home,
    project,
    run: (command, options = {}) =>
      exec("unshare", argv(command, options), {
        reject: false,
        timeoutMs: options.timeoutMs ?? 1_800_000,
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
      }),
    start: (command, options) =>
      spawnDaemon("unshare", argv(command, options), {
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin" },
        logFile: options.logFile,
      }),
    chown: async (path) => {
      await exec("chown", ["-R", `${LEARNER}:${LEARNER}`, path], { timeoutMs: 60_000 });
    },
    dispose: () => rm(home, { recursive: true, force: true, maxRetries: 3 }),
  };
}

async function ensureLearnerAccount(dockerHost: string | undefined): Promise<void> {
  await exec("groupadd", ["-f", "docker"], { timeoutMs: 30_000 });
  const known = await exec("id", ["-u", LEARNER], { reject: false, timeoutMs: 10_000 });
  if (known.exitCode !== 0)
    await exec(
      "useradd",
      ["--no-create-home", "--home-dir", "/nonexistent", "--user-group", "--groups", "docker", LEARNER],
      {
        timeoutMs: 30_000,
      },
    );
  // The docker group may use the engine's socket, as on a Linux machine with Docker Engine.
  const socket = dockerHost?.startsWith("unix://")
    ? dockerHost.slice("unix://".length)
    : "/var/run/docker.sock";
  await exec("chgrp", ["docker", socket], { timeoutMs: 10_000 });
  await exec("chmod", ["660", socket], { timeoutMs: 10_000 });
}

/** The project as a clone has it: tracked and new files, none of what .gitignore leaves out. */
async function copyProject(dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  const listed = await exec("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
    cwd: REPO_ROOT,
    timeoutMs: 60_000,
  });
  const files = listed.stdout.split("\n").filter(Boolean);
  // A file deleted in the working tree but not yet in git is not part of the copy.
  const present = files.filter((f) => existsSync(join(REPO_ROOT, f)));
  await pipeline(tar.c({ cwd: REPO_ROOT, portable: true }, present), tar.x({ cwd: dest }));
  await exec("git", ["init", "-q"], { cwd: dest, timeoutMs: 30_000 });
}

async function giveBuildxPlugin(home: string): Promise<void> {
  const plugin = findBuildxPlugin();
  if (!plugin) throw new Error("the buildx plugin is not installed on this machine (provision.sh)");
  await mkdir(join(home, ".docker/cli-plugins"), { recursive: true });
  await cp(plugin, join(home, ".docker/cli-plugins/docker-buildx"), { dereference: true });
}

/**
 * A shell script run by `unshare -m`: hides provision.sh's folders under empty tmpfs and each of
 * its tools under an empty file, then becomes the learner. Arguments: project, VAR=value..., command.
 */
async function hidingScript(home: string): Promise<string> {
  const empty = join(home, ".empty");
  await writeFile(empty, "", { mode: 0o644 });
  const script = join(home, ".hide.sh");
  const lines = [
    "set -eu",
    ...HIDDEN_DIRS.map((d) => `[ -d ${d} ] && mount -t tmpfs -o size=1m,mode=755 none ${d}`),
    `for t in ${HIDDEN_TOOLS.join(" ")}; do`,
    "  for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do",
    `    if [ -f "$d/$t" ] && [ ! -L "$d/$t" ]; then mount --bind ${empty} "$d/$t"; fi`,
    "  done",
    "done",
    'cd "$1"; shift',
    // What is left is env's: VAR=value words, then the command.
    `exec setpriv --reuid=${LEARNER} --regid=${LEARNER} --init-groups env -i "$@"`,
  ];
  await writeFile(script, `${lines.join("\n")}\n`, { mode: 0o755 });
  return script;
}
