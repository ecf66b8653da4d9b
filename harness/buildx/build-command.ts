import { formatAttributes } from "../util/csv-fields.ts";
import { readFile, writeFile, mkdtemp } from "node:fs/promises";
import { join, resolve } from "node:path";
import { exec } from "../exec/exec.ts";
import { lastLines } from "../exec/exec-error.ts";
import { errorMessage, GraderError, InvalidSubmissionError } from "../errors.ts";
import { classifyFailure, type FailureCause } from "./failure-cause.ts";
import type { Buildx } from "./buildx.ts";
import { RawJsonStream } from "./rawjson-stream.ts";
import { carryAttemptTimes, failingStep, type BuildStep, type StepFolder } from "./build-step.ts";
import { parseBuildMetadata, type BuildMetadata } from "./build-metadata.ts";
import { stripSyntaxDirective } from "./syntax-directive.ts";
import { proxyBuildArgs } from "./proxy-build-args.ts";

export interface SecretSpec {
  readonly id: string;
  /** A file with the secret's value. */
  readonly src?: string;
  /** An environment variable (set in `secretEnv`) holding the value. */
  readonly env?: string;
}

export interface BuildRequest {
  readonly label: string;
  readonly context: string;
  readonly dockerfile?: string;
  readonly platforms?: readonly string[];
  readonly tags?: readonly string[];
  readonly target?: string;
  /** `oci` writes an OCI layout folder (not a tarball) at `dest`. */
  readonly output: "load" | "push" | "cacheonly" | { readonly type: "oci"; readonly dest: string };
  /** RUN steps' network: none unless the exercise needs a package registry. */
  readonly network: "none" | "host";
  readonly secrets?: readonly SecretSpec[];
  /** SSH agents forwarded to `RUN --mount=type=ssh` (`--ssh id=socket`); none unless given. */
  readonly ssh?: readonly { readonly id: string; readonly socket: string }[];
  readonly secretEnv?: Readonly<Record<string, string>>;
  readonly buildArgs?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
  readonly cacheFrom?: readonly string[];
  readonly cacheTo?: readonly string[];
  readonly noCache?: boolean;
  /** Stages built without the cache (`--no-cache-filter`), as a bake target's `no-cache-filter`. */
  readonly noCacheFilter?: readonly string[];
  /** Provenance attestation, e.g. "mode=max"; off unless asked for. */
  readonly provenance?: string;
  readonly timeoutMs: number;
  readonly onStep?: (step: { name: string; state: "started" | "done" | "cached" | "error" }) => void;
}

export interface BuildFailure {
  readonly message: string;
  /** The Dockerfile step that failed, as BuildKit names it. */
  readonly step: string | undefined;
  readonly logTail: string;
  readonly timedOut: boolean;
  /**
   * The failure is the grading machine's (a registry, the network, the engine, the disk, a
   * stand-in image), not the submission's: see `cause`.
   */
  readonly infrastructure: boolean;
  readonly cause: FailureCause;
  /** The run's limits the build reached (memory, processes, disk), in words. */
  readonly limits: readonly string[];
}

export interface BuildResult {
  readonly label: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly steps: readonly BuildStep[];
  readonly metadata: BuildMetadata;
  readonly failure: BuildFailure | undefined;
  /** Set when the `# syntax=` line was set aside for the built-in frontend. */
  readonly frontendNote: string | undefined;
}

/**
 * The `--secret` value buildx reads as exactly these fields (quoted as its CSV reader wants),
 * so no value can carry a `src=` of its own past the vetting.
 */
export function secretSpec(s: SecretSpec): string {
  const spec = formatAttributes({
    id: s.id,
    ...(s.src !== undefined ? { src: s.src } : {}),
    ...(s.env !== undefined ? { env: s.env } : {}),
  });
  if (spec === undefined)
    throw new InvalidSubmissionError(
      `the secret ${JSON.stringify(s.id)} cannot be given to buildx as written`,
    );
  return spec;
}

/** `docker buildx build` with rawjson progress; a failed build is a result, not an exception. */
export class BuildCommand {
  private readonly buildx: Buildx;
  constructor(buildx: Buildx) {
    this.buildx = buildx;
  }

  async run(request: BuildRequest): Promise<BuildResult> {
    const work = await mkdtemp(join(this.buildx.environment.workDir, "build-"));
    const metadataFile = join(work, "metadata.json");
    const dockerfilePath = resolve(request.context, request.dockerfile ?? "Dockerfile");
    const { path: dockerfile, note } = await this.prepareDockerfile(dockerfilePath, work);
    const args = [
      "build",
      "--progress=rawjson",
      "--metadata-file",
      metadataFile,
      "-f",
      dockerfile,
      "--network",
      request.network,
    ];
    // BuildKit in a container (or remote) grants host networking only as an entitlement; the
    // engine's built-in BuildKit needs none (and rejects none).
    if (request.network === "host" && this.buildx.environment.driver !== "private-engine")
      args.push("--allow", "network.host");
    for (const p of request.platforms ?? []) args.push("--platform", p);
    for (const t of request.tags ?? []) args.push("-t", t);
    if (request.target) args.push("--target", request.target);
    const output = request.output;
    // The engine's BuildKit writes straight into its own image store, where a loaded image stays:
    // uncompressed, its layers cost no gzip (for cosign's 70 MB, 1.6 CPU-s). Elsewhere the image
    // travels to the engine as a tarball.
    if (output === "load")
      args.push(
        ...(this.buildx.environment.driver === "private-engine"
          ? ["--output", "type=image,compression=uncompressed"]
          : ["--load"]),
      );
    else if (output === "push") args.push("--push");
    // Said outright: with no output the docker driver would load the image into the engine's
    // store (time spent for nothing), and the remote driver warns mid-progress.
    else if (output === "cacheonly") args.push("--output", "type=cacheonly");
    else args.push("--output", `type=oci,dest=${output.dest},tar=false`);
    for (const s of request.secrets ?? []) args.push("--secret", secretSpec(s));
    for (const agent of request.ssh ?? []) args.push("--ssh", `${agent.id}=${agent.socket}`);
    for (const [k, v] of Object.entries(request.buildArgs ?? {})) args.push("--build-arg", `${k}=${v}`);
    // The run's only way out: see proxyBuildArgs.
    if (request.network === "host") args.push(...proxyBuildArgs(this.buildx.environment));
    for (const [k, v] of Object.entries(request.labels ?? {})) args.push("--label", `${k}=${v}`);
    for (const c of request.cacheFrom ?? []) args.push("--cache-from", c);
    for (const c of request.cacheTo ?? []) args.push("--cache-to", c);
    if (request.noCache) args.push("--no-cache");
    for (const stage of request.noCacheFilter ?? []) args.push("--no-cache-filter", stage);
    args.push(`--provenance=${request.provenance ?? "false"}`);
    args.push(request.context);

    // Parsed as it streams: only step states and each step's log tail are kept.
    const stream = new RawJsonStream(request.onStep ? { onEvents: stepReporter(request.onStep) } : {});
    const started = performance.now();
    let timedOut = false;
    let execMessage: string | undefined;
    try {
      const result = await this.buildx.buildx(args, {
        timeoutMs: request.timeoutMs,
        reject: false,
        onStderr: (chunk) => {
          stream.push(chunk);
        },
        ...(request.secretEnv ? { extraEnv: request.secretEnv } : {}),
      });
      timedOut = result.timedOut;
      if (result.exitCode !== 0)
        execMessage = lastLines(stream.text() || `exit code ${String(result.exitCode)}`, 3);
    } catch (error) {
      execMessage = errorMessage(error);
    }
    const durationMs = performance.now() - started;
    const steps = stream.steps();
    const metadata = parseBuildMetadata(await readFile(metadataFile, "utf8").catch(() => ""));
    const ok = execMessage === undefined && !timedOut;
    let failure: BuildFailure | undefined;
    if (!ok) {
      const failed = failingStep(steps);
      const limits = await this.buildx.environment.limits?.breaches(
        `${failed?.error ?? ""}\n${failed?.log ?? ""}\n${stream.text()}`,
      );
      const reached =
        limits && limits.length > 0 ? `the build reached the run's limit of ${limits.join(" and ")}: ` : "";
      const cause = classifyFailure({
        step: failed?.name,
        learnerStep: failed?.instruction !== undefined,
        error: failed?.error ?? "",
        cliMessage: execMessage ?? "",
        log: failed?.log ?? "",
        timedOut,
        limits: limits ?? [],
      });
      failure = {
        message: timedOut
          ? `the build did not finish within ${Math.round(request.timeoutMs / 1000)}s and was stopped`
          : `${reached}${failed?.error ?? execMessage ?? "the build failed"}`,
        step: failed?.name,
        logTail: lastLines(failed?.log ?? stream.text(), 15),
        timedOut,
        infrastructure: cause.party === "infrastructure",
        cause,
        limits: limits ?? [],
      };
    }
    return { label: request.label, ok, durationMs, steps, metadata, failure, frontendNote: note };
  }

  /**
   * Runs the build; when it fails for the grading machine's reasons and another try may help (a
   * rate limit, a registry's 5xx, a connection reset, a refused push), runs it again after a
   * backoff that honours the registry's Retry-After, up to `attempts` runs in all. Each retry is
   * logged through `onRetry`; the last result is returned either way.
   */
  async runWithRetry(
    request: BuildRequest,
    options: {
      attempts?: number;
      onRetry?: (message: string) => void;
      sleep?: (ms: number) => Promise<void>;
    } = {},
  ): Promise<BuildResult> {
    const attempts = options.attempts ?? 3;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    let result = await this.run(request);
    const earlier: (readonly BuildStep[])[] = [];
    for (let attempt = 2; attempt <= attempts; attempt++) {
      const cause = result.failure?.cause;
      if (result.ok || cause?.party !== "infrastructure" || !cause.retryable) break;
      const waitMs = retryDelayMs(attempt - 1, cause.retryAfterSeconds);
      options.onRetry?.(
        `${request.label} build: ${cause.kind} (${result.failure?.message.slice(0, 200) ?? ""}); trying again in ${Math.round(waitMs / 1000)}s (attempt ${attempt} of ${attempts})`,
      );
      await sleep(waitMs);
      earlier.push(result.steps);
      result = await this.run(request);
    }
    return earlier.length === 0 ? result : { ...result, steps: carryAttemptTimes(result.steps, earlier) };
  }

  /** Sets aside an unpullable `# syntax=` frontend (GRADER_FRONTEND=pull keeps it). */
  private async prepareDockerfile(
    path: string,
    work: string,
  ): Promise<{ path: string; note: string | undefined }> {
    if (process.env["GRADER_FRONTEND"] === "pull") return { path, note: undefined };
    const text = await readFile(path, "utf8").catch(() => undefined);
    if (text === undefined) return { path, note: undefined };
    const edit = stripSyntaxDirective(text);
    if (!edit.removed) return { path, note: undefined };
    if (process.env["GRADER_FRONTEND"] !== "builtin" && (await frontendPullable(this.buildx, edit.removed)))
      return { path, note: undefined };
    const copy = join(work, "Dockerfile");
    await writeFile(copy, edit.text);
    return {
      path: copy,
      note: `the frontend image ${edit.removed} could not be pulled; built with the engine's built-in Dockerfile frontend`,
    };
  }
}

const pullable = new Map<string, Promise<boolean>>();
/**
 * Whether the run's own engine can pull the frontend the learner named: asked of that engine,
 * which lives in the run's namespace and reaches only the run's services, never by a client on
 * the host's network. Where the grader has no such engine (a farm's endpoint), it is not tried.
 */
function frontendPullable(buildx: Buildx, image: string): Promise<boolean> {
  const environment = buildx.environment;
  if (environment.driver !== "private-engine") return Promise.resolve(false);
  const key = `${environment.dockerHost ?? ""} ${image}`;
  let known = pullable.get(key);
  if (!known) {
    known = exec("docker", ["pull", "--quiet", image], {
      env: environment.env,
      reject: false,
      timeoutMs: 30_000,
    }).then((r) => r.exitCode === 0);
    pullable.set(key, known);
  }
  return known;
}

/** Reports each step's state changes as the stream folds them. */
function stepReporter(onStep: NonNullable<BuildRequest["onStep"]>): (folder: StepFolder) => void {
  const seen = new Map<string, string>();
  return (folder) => {
    for (const step of folder.steps()) {
      const state = step.error
        ? "error"
        : step.cached
          ? "cached"
          : step.completed
            ? "done"
            : step.started
              ? "started"
              : undefined;
      if (state && seen.get(step.digest) !== state) {
        seen.set(step.digest, state);
        onStep({ name: step.name, state });
      }
    }
  };
}

/** A build that failed for the grader's reasons is a grading error, never the learner's failure. */
export function assertNotInfrastructure(result: BuildResult): void {
  const cause = result.failure?.cause;
  if (cause?.party === "infrastructure") {
    throw new GraderError(
      cause.code,
      `the ${result.label} build failed for a reason that is not the submission's (${cause.kind}) at ${result.failure?.step ?? "the build"}: ${result.failure?.message ?? ""}`,
      { hint: `This is not the learner's fault, and no score is given. ${cause.advice}` },
    );
  }
}

/** Exponential backoff from 2 s (2, 4, 8...), or the registry's Retry-After, at most a minute. */
export function retryDelayMs(retry: number, retryAfterSeconds: number | undefined): number {
  const seconds = retryAfterSeconds ?? 2 ** retry;
  return Math.min(60, Math.max(1, seconds)) * 1000;
}

/** Whether a failed step (and the others' state) is the grading machine's fault. */
export function isInfrastructureFailure(failed: BuildStep | undefined, steps: readonly BuildStep[]): boolean {
  const learnerStepFailed = steps.some(
    (s) => s.instruction !== undefined && s.error !== undefined && !/context canceled/.test(s.error),
  );
  if (learnerStepFailed && failed?.instruction === undefined) return false;
  return (
    classifyFailure({
      step: failed?.name,
      learnerStep: failed?.instruction !== undefined,
      error: failed?.error ?? "",
      cliMessage: "",
      log: failed?.log ?? "",
      timedOut: false,
      limits: [],
    }).party === "infrastructure"
  );
}
