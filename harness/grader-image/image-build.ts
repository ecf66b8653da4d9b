import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { exec, baseEnv } from "../exec/exec.ts";
import { EngineUnavailableError } from "../errors.ts";
import { lineSplitter } from "../util/line-splitter.ts";
import { DOCKERFILE, IMAGE_REPOSITORY, imageTag } from "./image-tag.ts";

/** How the grader image is built on this engine. */
export interface ImageBuildRequest {
  readonly root: string;
  readonly tag: string;
  /** A folder with the Debian packages (bookworm/, trixie/) for machines whose builds cannot reach Debian. */
  readonly debs?: string | undefined;
  /** Base image other than Docker Hub's node:20-bookworm-slim (a mirror's, a pinned digest). */
  readonly base?: string | undefined;
  /** The engine has no bridge network (as this project's own shared engine): build on the host's. */
  readonly hostNetwork: boolean;
}

/** `docker buildx build` arguments for the grader image (pure). */
export function imageBuildArgs(request: ImageBuildRequest): string[] {
  return [
    "buildx",
    "build",
    "--load",
    "--progress=plain",
    "--provenance=false",
    "-t",
    request.tag,
    "-f",
    `${request.root}/${DOCKERFILE}`,
    ...(request.debs ? ["--build-context", `debs=${request.debs}`] : []),
    ...(request.base ? ["--build-arg", `BASE=${request.base}`] : []),
    ...(request.hostNetwork ? ["--network", "host"] : []),
    request.root,
  ];
}

/**
 * The steps of a plain progress stream worth showing a learner (pure): each step as it starts,
 * and errors; not the thousands of lines apt and npm print.
 */
export function progressLine(line: string): string | undefined {
  const step = /^#\d+ (\[[^\]]+\] .*)$/.exec(line);
  if (step?.[1]) return step[1].length > 120 ? `${step[1].slice(0, 117)}...` : step[1];
  if (/^(#\d+ )?ERROR\b|^ERROR:/.test(line)) return line.slice(0, 300);
  return undefined;
}

export interface HostEngine {
  /** The CLI environment that reaches the host's engine (DOCKER_HOST, DOCKER_CONFIG...). */
  readonly env: Readonly<Record<string, string>>;
}

/** The build's inputs besides the checkout, and what the caller already knows of the engine. */
export interface ImageOptions {
  readonly debs?: string | undefined;
  readonly base?: string | undefined;
  /** The engine has no bridge (asked by the caller already, or here when needed). */
  readonly hostNetwork?: boolean;
}

let ensured: Map<string, Promise<string>> | undefined;

/**
 * The grader image for the checkout at `root`, built the first time (with its steps on
 * `progress`), found by its tag afterwards; once per process. Older grader images are removed
 * once the new one stands, so a machine keeps one.
 */
export function ensureGraderImage(
  root: string,
  engine: HostEngine,
  progress: (message: string) => void,
  options: ImageOptions = {},
): Promise<string> {
  ensured ??= new Map();
  const known = ensured.get(root);
  if (known) return known;
  const made = buildIfMissing(root, engine, progress, options);
  ensured.set(root, made);
  made.catch(() => ensured?.delete(root));
  return made;
}

async function buildIfMissing(
  root: string,
  engine: HostEngine,
  progress: (message: string) => void,
  options: ImageOptions,
): Promise<string> {
  // What the build takes besides the checkout: another base, or other packages, is another image.
  const tag = await imageTag(root, [`base=${options.base ?? ""}`, `debs=${await debsListing(options.debs)}`]);
  const docker = (args: readonly string[]) =>
    exec("docker", args, { env: engine.env, reject: false, timeoutMs: 60_000 });
  if ((await docker(["image", "inspect", "--format", "{{.Id}}", tag])).exitCode === 0) return tag;
  const hostNetwork = options.hostNetwork ?? !(await engineHasBridge(engine));
  progress(`building the grader image ${tag} (once per version of the grader; a few minutes)...`);
  // The last lines are the error's, when the build fails.
  const tail: string[] = [];
  const lines = lineSplitter((line) => {
    tail.push(line);
    if (tail.length > 5) tail.shift();
    const shown = progressLine(line);
    if (shown) progress(shown);
  });
  const started = performance.now();
  const built = await exec(
    "docker",
    imageBuildArgs({ root, tag, debs: options.debs, base: options.base, hostNetwork }),
    {
      env: engine.env,
      reject: false,
      timeoutMs: 45 * 60_000,
      onStderr: (chunk) => {
        lines.push(chunk);
      },
    },
  );
  if (built.exitCode !== 0 || built.timedOut)
    throw new EngineUnavailableError(
      `building the grader image failed (${built.timedOut ? "timed out" : `docker buildx exited ${String(built.exitCode)}`})${tail.length > 0 ? `: ${[...tail, lines.rest()].join(" | ").slice(-400)}` : ""}`,
      {
        hint: `Run: docker buildx build -f ${DOCKERFILE} . to see the whole output. It needs Docker Hub (node:20-bookworm-slim) and Debian's archive, or GRADER_IMAGE_DEBS`,
      },
    );
  progress(`grader image ready (${((performance.now() - started) / 1000).toFixed(0)}s)`);
  await removeOlderImages(tag, engine);
  return tag;
}

/** The packages a folder of Debian packages holds, by file name (names carry the versions). */
async function debsListing(dir: string | undefined): Promise<string> {
  if (!dir) return "";
  const names: string[] = [];
  for (const suite of ["bookworm", "trixie"])
    for (const name of await readdir(join(dir, suite)).catch(() => [])) names.push(`${suite}/${name}`);
  return names.sort().join(",");
}

async function removeOlderImages(keep: string, engine: HostEngine): Promise<void> {
  const listed = await exec(
    "docker",
    ["image", "ls", IMAGE_REPOSITORY, "--format", "{{.Repository}}:{{.Tag}}"],
    {
      env: engine.env,
      reject: false,
      timeoutMs: 30_000,
    },
  );
  const older = listed.stdout.split("\n").filter((t) => t.startsWith(`${IMAGE_REPOSITORY}:`) && t !== keep);
  if (older.length > 0)
    await exec("docker", ["image", "rm", ...older], { env: engine.env, reject: false, timeoutMs: 60_000 });
}

/** Whether the engine has its default bridge network (this project's shared engine has none). */
export async function engineHasBridge(engine: HostEngine): Promise<boolean> {
  const bridge = await exec("docker", ["network", "inspect", "--format", "{{.Name}}", "bridge"], {
    env: engine.env,
    reject: false,
    timeoutMs: 20_000,
  });
  return bridge.exitCode === 0;
}

/**
 * The host's engine, named once for the docker CLI and for testcontainers alike: the CLI follows
 * DOCKER_CONTEXT and the current context (Docker Desktop on Linux, colima), testcontainers reads
 * DOCKER_HOST only, and the image must be run on the engine it was built on.
 */
export async function resolveHostEngine(env: NodeJS.ProcessEnv = process.env): Promise<HostEngine> {
  if (env["DOCKER_HOST"]) return hostEngine(env);
  const context = await exec("docker", ["context", "inspect", "--format", "{{.Endpoints.docker.Host}}"], {
    env: hostEngine(env).env,
    reject: false,
    timeoutMs: 20_000,
  });
  const host = context.exitCode === 0 ? context.stdout.trim() : "";
  if (host === "") return hostEngine(env);
  process.env["DOCKER_HOST"] = host;
  return hostEngine({ ...env, DOCKER_HOST: host });
}

/** The host engine as the docker CLI finds it, without the host's other variables. */
export function hostEngine(env: NodeJS.ProcessEnv = process.env): HostEngine {
  const pass: Record<string, string> = {};
  for (const key of ["DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"]) {
    const value = env[key];
    if (value !== undefined && value !== "") pass[key] = value;
  }
  return { env: baseEnv(pass) };
}
