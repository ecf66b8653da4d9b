import { lstat, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EngineUnavailableError, GraderError, InvalidSubmissionError } from "../errors.ts";
import { exec } from "../exec/exec.ts";
import { detectMirror } from "../engine/open-environment.ts";
import { listExercises, REPO_ROOT } from "../grading/exercise.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { errorReport } from "../grading/run-grading.ts";
import { validateReport } from "../report/report-schema.ts";
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
  await refuseUnsuitedEngine(engine);
  const exerciseIds = (await listExercises()).map((e) => e.id);
  const invocation = mapInvocation(argv, { cwd: process.cwd(), repoRoot: REPO_ROOT, exerciseIds });
  await checkMountable(invocation);
  const image = await ensureGraderImage(REPO_ROOT, engine, io.progress, {
    debs: process.env["GRADER_IMAGE_DEBS"],
    base: process.env["GRADER_IMAGE_BASE"],
  });
  const mirror = await detectMirror();
  const login = mirror ? undefined : await hubLogin();
  const hostNetwork = (mirror !== undefined && isLoopback(mirror)) || !(await engineHasBridge(engine));
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

/**
 * One exercise graded in the image, as `gradeExercise` grades it on the host: its report, or a
 * report of the error when the container gave none. For `npm test`.
 */
export async function gradeExerciseInImage(
  id: string,
  options: { progress: (message: string) => void },
): Promise<GradeReport> {
  const startedAt = new Date();
  const started = performance.now();
  const out = await mkdtemp(join(tmpdir(), `bkg-image-out-${id}-`));
  let tail = "";
  try {
    const status = await gradeThroughImage([id, "--out", out], {
      progress: options.progress,
      stdout: () => undefined,
      stderr: (chunk) => {
        process.stderr.write(chunk);
        tail = (tail + chunk).slice(-2000);
      },
    });
    const text = await readFile(join(out, `${id}.json`), "utf8").catch(() => undefined);
    if (text === undefined)
      throw new GraderError(
        "ENGINE_START_FAILED",
        `the grader image wrote no report (exit ${String(status)}): ${tail.trim().split("\n").slice(-3).join(" | ")}`,
      );
    const parsed: unknown = JSON.parse(text);
    const valid = validateReport(parsed);
    if (!valid.ok)
      throw new GraderError(
        "TOOL_OUTPUT",
        `the grader image's report does not meet its schema: ${valid.errors.join("; ")}`,
      );
    return valid.report;
  } catch (error) {
    return errorReport({ id, title: id }, error, startedAt, started, "");
  } finally {
    await rm(out, { recursive: true, force: true });
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
