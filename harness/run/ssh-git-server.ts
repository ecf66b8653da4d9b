import { access, chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ServicePlace } from "../engine/run-registry.ts";
import { GraderError } from "../errors.ts";
import { spawnDaemon } from "../exec/daemon.ts";
import { baseEnv, exec } from "../exec/exec.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import { freePort } from "../util/free-port.ts";
import { waitUntil } from "../util/wait-until.ts";

/** The account the server serves as: created by provision.sh, its only shell is git-shell. */
export const GIT_USER = "bk-git";
const SSHD = "/usr/sbin/sshd";

/** A repository the server offers: its files, committed on `main`, and tags on that commit. */
export interface GitRepository {
  readonly name: string;
  readonly files: Readonly<Record<string, string>>;
  readonly tags?: readonly string[];
}

/**
 * A real Git server over SSH (Debian's OpenSSH and git-shell) for one grading run, with a host
 * key and a client key made for the run and an ssh-agent that holds the client key: a build
 * given that agent (`--ssh default=<socket>`) can fetch, a build without it cannot.
 */
export interface SshGitServer {
  readonly host: string;
  readonly port: number;
  /** `ssh://bk-git@host:port/<path>/<name>.git` */
  url(repository: string): string;
  /** The line a known_hosts file pins the server's host key with. */
  readonly knownHostsLine: string;
  /** The same host pinned to a key the server does not have: a client that checks must refuse it. */
  readonly decoyKnownHostsLine: string;
  /** The client's private key, in OpenSSH's format: what must never reach an image. */
  readonly clientPrivateKey: string;
  /** `SHA256:...`, as sshd logs an accepted key. */
  readonly clientFingerprint: string;
  /** The agent's socket: what `--ssh` forwards. */
  readonly agentSocket: string;
  /** How many connections the server accepted with the run's client key. */
  acceptedLogins(): Promise<number>;
  dispose(): Promise<void>;
}

const gitEnv = (): Record<string, string> => ({
  ...baseEnv(),
  GIT_CONFIG_NOSYSTEM: "1",
  GIT_CONFIG_GLOBAL: "/dev/null",
  GIT_AUTHOR_NAME: "Course",
  GIT_AUTHOR_EMAIL: "course@example.invalid",
  GIT_COMMITTER_NAME: "Course",
  GIT_COMMITTER_EMAIL: "course@example.invalid",
  GIT_AUTHOR_DATE: "2026-01-01T00:00:00Z",
  GIT_COMMITTER_DATE: "2026-01-01T00:00:00Z",
});

export async function startSshGitServer(
  repositories: readonly GitRepository[],
  place: ServicePlace = { serviceHost: "127.0.0.1", exposePort: () => Promise.resolve() },
): Promise<SshGitServer> {
  try {
    await access(SSHD);
  } catch {
    throw new GraderError("ENGINE_UNAVAILABLE", "OpenSSH's server (sshd) is not installed", {
      hint: "Run harness/engine/provision.sh as root (it installs openssh-server), or apt-get install openssh-server",
    });
  }
  const dir = await mkdtemp(join(tmpdir(), "bkg-ssh-"));
  // git-upload-pack runs as the git account: it must read the repositories and authorized keys.
  await chmod(dir, 0o755);
  const port = await freePort(place.serviceHost);
  const logFile = join(dir, "sshd.log");
  let agent: ReturnType<typeof spawnDaemon> | undefined;
  let sshd: ReturnType<typeof spawnDaemon> | undefined;
  const dispose = registerDisposer(`ssh git server ${place.serviceHost}:${port}`, async () => {
    await sshd?.stop(5000);
    await agent?.stop(5000);
    await rm(dir, { recursive: true, force: true });
  });
  try {
    for (const key of ["host_key", "client_key", "decoy_key"])
      await exec("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", `bkg-${key}`, "-f", join(dir, key)], {
        env: baseEnv(),
        timeoutMs: 30_000,
      });
    const clientPublic = (await readFile(join(dir, "client_key.pub"), "utf8")).trim();
    const publicKey = async (name: string) =>
      (await readFile(join(dir, `${name}.pub`), "utf8")).trim().split(/\s+/).slice(0, 2).join(" ");
    const hostPublic = await publicKey("host_key");
    const decoyPublic = await publicKey("decoy_key");
    await rm(join(dir, "decoy_key"));
    const fingerprint = (
      await exec("ssh-keygen", ["-l", "-E", "sha256", "-f", join(dir, "client_key.pub")], {
        env: baseEnv(),
        timeoutMs: 10_000,
      })
    ).stdout.split(/\s+/)[1];
    if (!fingerprint)
      throw new GraderError("ENGINE_START_FAILED", "could not read the client key's fingerprint");
    // The key may only run git-shell's commands: no forwarding, no terminal.
    await writeFile(join(dir, "authorized_keys"), `restrict ${clientPublic}\n`, { mode: 0o644 });

    const repos = join(dir, "repos");
    await mkdir(repos, { mode: 0o755 });
    for (const repository of repositories) await createRepository(repos, repository);
    await exec("chown", ["-R", `${GIT_USER}:`, repos], { env: baseEnv(), timeoutMs: 30_000 });

    const config = join(dir, "sshd_config");
    await writeFile(
      config,
      [
        `Port ${port}`,
        `ListenAddress ${place.serviceHost}`,
        `HostKey ${join(dir, "host_key")}`,
        `PidFile ${join(dir, "sshd.pid")}`,
        `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
        `AllowUsers ${GIT_USER}`,
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "PermitRootLogin no",
        "UsePAM no",
        "StrictModes no",
        "AllowTcpForwarding no",
        "AllowAgentForwarding no",
        "X11Forwarding no",
        "PermitTTY no",
        "LogLevel VERBOSE",
        "",
      ].join("\n"),
    );
    // sshd's privilege separation directory; Debian's service creates it, a bare sshd does not.
    await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
    sshd = spawnDaemon(SSHD, ["-D", "-e", "-f", config], { env: baseEnv(), logFile });
    const agentSocket = join(dir, "agent.sock");
    agent = spawnDaemon("ssh-agent", ["-D", "-a", agentSocket], {
      env: baseEnv(),
      logFile: join(dir, "agent.log"),
    });
    fallback(dispose, [{ kill: sshd.pid }, { kill: agent.pid }, { remove: dir }]);
    const started = await waitUntil(
      async () => (await readFile(logFile, "utf8").catch(() => "")).includes("Server listening"),
      { timeoutMs: 60_000, gaveUp: () => sshd?.hasExited() ?? true },
    );
    if (!started)
      throw new GraderError(
        "ENGINE_START_FAILED",
        `the SSH server did not start: ${(await readFile(logFile, "utf8").catch(() => "")).trim().split("\n").slice(-3).join(" ")}`,
      );
    const agentReady = await waitUntil(
      () =>
        access(agentSocket).then(
          () => true,
          () => false,
        ),
      { timeoutMs: 30_000, gaveUp: () => agent?.hasExited() ?? true },
    );
    if (!agentReady) throw new GraderError("ENGINE_START_FAILED", "ssh-agent did not start");
    await exec("ssh-add", ["-q", join(dir, "client_key")], {
      env: { ...baseEnv(), SSH_AUTH_SOCK: agentSocket },
      timeoutMs: 10_000,
    });
    await place.exposePort(port);
    const clientPrivateKey = await readFile(join(dir, "client_key"), "utf8");
    return {
      host: place.serviceHost,
      port,
      url: (repository) =>
        `ssh://${GIT_USER}@${place.serviceHost}:${port}${join(repos, `${repository}.git`)}`,
      knownHostsLine: `[${place.serviceHost}]:${port} ${hostPublic}`,
      decoyKnownHostsLine: `[${place.serviceHost}]:${port} ${decoyPublic}`,
      clientPrivateKey,
      clientFingerprint: fingerprint,
      agentSocket,
      async acceptedLogins() {
        const log = await readFile(logFile, "utf8").catch(() => "");
        return countAcceptedLogins(log, fingerprint);
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** sshd's `Accepted publickey for bk-git from ... ED25519 SHA256:...` lines for one key (pure). */
export function countAcceptedLogins(log: string, fingerprint: string): number {
  return log
    .split("\n")
    .filter((l) => l.includes(`Accepted publickey for ${GIT_USER} `) && l.trimEnd().endsWith(fingerprint))
    .length;
}

async function createRepository(root: string, repository: GitRepository): Promise<void> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(repository.name))
    throw new GraderError("INVALID_SUBMISSION", `repository name "${repository.name}" is not a plain name`);
  const work = join(root, `${repository.name}.work`);
  for (const [path, text] of Object.entries(repository.files)) {
    const file = join(work, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  }
  const git = (args: readonly string[], cwd: string) =>
    exec("git", args, { cwd, env: gitEnv(), timeoutMs: 30_000 });
  await git(["init", "-q", "-b", "main"], work);
  await git(["add", "-A"], work);
  await git(["commit", "-q", "-m", "Initial version"], work);
  for (const tag of repository.tags ?? []) await git(["tag", tag], work);
  await git(["clone", "-q", "--bare", work, join(root, `${repository.name}.git`)], root);
  await rm(work, { recursive: true, force: true });
}
