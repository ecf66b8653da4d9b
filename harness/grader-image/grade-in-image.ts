import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EngineUnavailableError, InvalidSubmissionError } from "../errors.ts";
import { exec } from "../exec/exec.ts";
import { detectMirror } from "../engine/base-image-mirror.ts";

/**
 * The checkout this runs from. This module is what the host loads to grade in the image, so it
 * keeps away from the grading harness (exercise.ts and what it pulls in): a second or two at
 * every start.
 */
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** The exercises whose workspaces the container gets, by their folders. */
async function exerciseIds(): Promise<string[]> {
  const entries = await readdir(join(REPO_ROOT, "exercises"), { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && /^\d\d-/.test(e.name))
    .map((e) => e.name)
    .sort();
}
import { privilegedHint, runGraderContainer } from "./grader-container.ts";
import { engineHasBridge, ensureGraderImage, resolveHostEngine, type HostEngine } from "./image-build.ts";
import { mapInvocation, type Invocation } from "./invocation.ts";
import { hubLogin } from "./hub-login.ts";

export interface ImageIo {
  readonly progress: (message: string) => void;
  readonly stdout: (chunk: string) => void;
  readonly stderr: (chunk: string) => void;
}

/** Where the image's registry keeps what it pulled from Docker Hub, across gradings. */
export const HUB_CACHE_VOLUME = "bk-grader-hub-cache";
const HUB_CACHE_TARGET = "/var/lib/bk-grader/hub-cache";

/**
 * Runs a `grade` command line in the grader image and returns its exit status: the same
 * terminal output, reports and statuses as on a provisioned host, with nothing of the host used
 * but its Docker engine. The steps: refuse an engine that cannot run it, make sure the image
 * exists, map the paths, run.
 */
export async function gradeThroughImage(argv: readonly string[], io: ImageIo): Promise<number> {
  const engine = await resolveHostEngine();
  const invocation = mapInvocation(argv, {
    cwd: process.cwd(),
    repoRoot: REPO_ROOT,
    exerciseIds: await exerciseIds(),
  });
  await checkMountable(invocation);
  // The questions to the engine and the machine are independent: asked at once.
  const [, mirror, bridge] = await Promise.all([
    refuseUnsuitedEngine(engine),
    detectMirror(),
    engineHasBridge(engine),
  ]);
  const [image, login] = await Promise.all([
    ensureGraderImage(REPO_ROOT, engine, io.progress, {
      debs: process.env["GRADER_IMAGE_DEBS"],
      base: process.env["GRADER_IMAGE_BASE"],
      hostNetwork: !bridge,
    }),
    mirror ? undefined : hubLogin(),
  ]);
  const hostNetwork = (mirror !== undefined && isLoopback(mirror)) || !bridge;
  const status = await runGraderContainer({
    image,
    invocation,
    env: {
      ...containerEnv(process.env, { mirror, hostOut: invocation.out, color: process.stdout.isTTY }),
      ...(login ? { GRADER_HUB_USERNAME: login.username, GRADER_HUB_PASSWORD: login.password } : {}),
    },
    networkMode: hostNetwork ? "host" : "bridge",
    // Without a mirror the image keeps a pull-through cache of Docker Hub in a volume of the
    // engine: base images are pulled once per machine, not once per grading.
    volumes: mirror ? [] : [{ name: HUB_CACHE_VOLUME, target: HUB_CACHE_TARGET }],
    engine,
    onStdout: io.stdout,
    onStderr: io.stderr,
  });
  return hostStatus(status, io.stderr);
}

/**
 * grade's own statuses pass as they are; any other (a container killed, out of memory) means the
 * grading could not be done.
 */
export function hostStatus(status: number, say: (text: string) => void): number {
  if (status >= 0 && status <= 2) return status;
  say(
    `the grader container ended with status ${String(status)}${status === 137 ? " (killed: out of memory, or stopped)" : ""}\n`,
  );
  return 2;
}

/**
 * Every input the command names must exist before Docker sees it: a bind mount of a missing path
 * makes an empty root-owned folder on Linux (graded as "not attempted"), and Docker's mount
 * syntax cannot carry a ':' or a ','.
 */
async function checkMountable(invocation: Invocation): Promise<void> {
  for (const m of invocation.mounts) {
    if (/[:,]/.test(m.source))
      throw new InvalidSubmissionError(
        `${m.source} cannot be shared with the grader container: its path holds ':' or ','`,
        {
          hint: "Move or rename the folder so that its path has neither",
        },
      );
    if (m.mode === "ro" && !(await lstat(m.source).catch(() => undefined)))
      throw new InvalidSubmissionError(`${m.source} does not exist`, {
        hint: "Check the path given to --submission, --batch, --changed-files or merge",
      });
  }
}

/** The grader's settings the container gets (pure): its own variables, never the host's others. */
export function containerEnv(
  env: NodeJS.ProcessEnv,
  facts: { mirror: string | undefined; hostOut: string; color: boolean },
): Record<string, string> {
  const passed: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (key.startsWith("GRADER_") && value !== undefined && !HOST_ONLY.has(key)) passed[key] = value;
  // The host's mirror setting is the host's: inside, a mirror the host reaches, or the image's cache.
  delete passed["GRADER_MIRROR"];
  if (facts.mirror) passed["GRADER_MIRROR"] = facts.mirror;
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid !== undefined && gid !== undefined) passed["GRADER_OWNER"] = `${String(uid)}:${String(gid)}`;
  passed["GRADER_HOST_OUT"] = facts.hostOut;
  if (facts.color && env["NO_COLOR"] === undefined) passed["GRADER_COLOR"] = "1";
  if (env["NO_COLOR"] !== undefined) passed["NO_COLOR"] = env["NO_COLOR"];
  return passed;
}

/** Settings about the host side itself, meaningless inside the image. */
const HOST_ONLY = new Set([
  "GRADER_HOME",
  "GRADER_IMAGE_DEBS",
  "GRADER_IMAGE_BASE",
  "GRADER_ENGINE_PREFIX",
  "GRADER_AUTO_PROVISION",
  "GRADER_IN_IMAGE",
]);

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || host.startsWith("127.");
}

/** Engines that cannot run a privileged container that works: say so before building anything. */
async function refuseUnsuitedEngine(engine: HostEngine): Promise<void> {
  const info = await exec("docker", ["info", "--format", "{{.OSType}} {{json .SecurityOptions}}"], {
    env: engine.env,
    reject: false,
    timeoutMs: 20_000,
  });
  const refusal = engineRefusal(info.stdout);
  if (refusal) throw new EngineUnavailableError(refusal, { hint: privilegedHint });
}

/** Why `docker info`'s `OSType SecurityOptions` line rules the engine out, if it does (pure). */
export function engineRefusal(infoLine: string): string | undefined {
  if (/^windows\b/.test(infoLine.trim()))
    return "Docker runs Windows containers: switch Docker Desktop to Linux containers";
  if (/name=rootless/.test(infoLine))
    return "this Docker engine runs rootless: its privileged containers cannot start engines of their own";
  return undefined;
}
