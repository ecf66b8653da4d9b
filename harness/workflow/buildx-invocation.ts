import { parseAttributes } from "../util/csv-fields.ts";
import { shellCommands } from "./shell-commands.ts";

/**
 * The `docker buildx build|bake|imagetools create` commands of a `run:` script (pure), with the
 * flags the workflow checks read, as shellCommands splits the script; `docker build` is buildx
 * too since Docker 23.
 */
export interface BuildxInvocation {
  readonly command: "build" | "bake" | "imagetools-create";
  /** Written `docker buildx ...`, not `docker build` (which uses the default builder unless one was set up). */
  readonly explicit: boolean;
  readonly platforms: readonly string[];
  /** `--push`, `--output`/`-o` of type registry, or of type image with push=true. */
  readonly pushes: boolean;
  /** Pushed by digest only (`push-by-digest=true`): no tag until an index is made from them. */
  readonly byDigest: boolean;
  /** `--set` values of bake (`*.platform=...`). */
  readonly sets: readonly string[];
  /** `--cache-from` and `--cache-to` specs (also bake's `--set *.cache-from=...`), as attributes. */
  readonly cacheFrom: readonly Record<string, string>[];
  readonly cacheTo: readonly Record<string, string>[];
  /** `--builder NAME`, before the subcommand or after it; undefined when not given. */
  readonly builder: string | undefined;
  /** Words that are neither flags nor flag values: bake's targets and groups, build's context. */
  readonly operands: readonly string[];
  readonly words: readonly string[];
}

/** Flags of build and bake that take a value in the next word when not written `--flag=value`. */
const VALUE_FLAGS = new Set([
  "-f",
  "--file",
  "-t",
  "--tag",
  "--target",
  "--platform",
  "-o",
  "--output",
  "--set",
  "--cache-from",
  "--cache-to",
  "--build-arg",
  "--build-context",
  "--label",
  "--secret",
  "--ssh",
  "--progress",
  "--metadata-file",
  "--builder",
  "--provenance",
  "--sbom",
  "--attest",
  "--network",
  "--iidfile",
  "--shm-size",
  "--ulimit",
  "--add-host",
  "--annotation",
  "--call",
  "--allow",
  "--cgroup-parent",
]);

export function buildxInvocations(script: string): BuildxInvocation[] {
  const out: BuildxInvocation[] = [];
  for (const call of dockerCalls(script)) {
    const { sub, rest, explicit, builder } = call;
    const invocation =
      sub === "imagetools" && rest[0] === "create"
        ? read("imagetools-create", explicit, rest.slice(1))
        : sub === "build" || sub === "b"
          ? read("build", explicit, rest)
          : sub === "bake"
            ? read("bake", explicit, rest)
            : undefined;
    if (invocation) out.push(builder && !invocation.builder ? { ...invocation, builder } : invocation);
  }
  return out;
}

/** A `docker [flags] buildx [--builder B] <sub> ...` or `docker build ...` command of a script. */
export interface DockerBuildxCall {
  readonly sub: string;
  /** The words after the subcommand. */
  readonly rest: readonly string[];
  readonly explicit: boolean;
  /** `docker buildx --builder B ...`: the builder given before the subcommand. */
  readonly builder: string | undefined;
}

/** docker's own flags that take a value (`docker --context ci buildx ...`). */
const DOCKER_VALUE_FLAGS = new Set(["-c", "--context", "-H", "--host", "-l", "--log-level", "--config"]);

/**
 * Every docker buildx (or `docker build`) command of a script, past docker's and buildx's own
 * flags (`docker --debug buildx --builder ci bake`), in each command of the script (pure).
 */
export function dockerCalls(script: string): DockerBuildxCall[] {
  const out: DockerBuildxCall[] = [];
  // The project's one reader of run: scripts: quotes, comments, continuations and ${{ }} kept whole.
  for (const { words } of shellCommands(script)) {
    const at = words.findIndex((w, i) => w === "docker" && i <= 2);
    if (at < 0) continue;
    let i = at + 1;
    while ((words[i] ?? "").startsWith("-")) i += DOCKER_VALUE_FLAGS.has(words[i] ?? "") ? 2 : 1;
    const explicit = words[i] === "buildx";
    if (!explicit && words[i] !== "build") continue;
    if (explicit) i++;
    let builder: string | undefined;
    for (;;) {
      const word = words[i] ?? "";
      if (word === "--builder") {
        builder = words[i + 1];
        i += 2;
      } else if (word.startsWith("--builder=")) {
        builder = word.slice("--builder=".length);
        i++;
      } else if (word === "--debug" || word === "-D") i++;
      else break;
    }
    const sub = words[i];
    if (sub !== undefined) out.push({ sub, rest: words.slice(i + 1), explicit, builder });
  }
  return out;
}

/** The flags this reader keeps: each takes its value where it is read below. */
const KEPT_FLAGS = new Set([
  "--platform",
  "--output",
  "-o",
  "--set",
  "--cache-from",
  "--cache-to",
  "--builder",
]);

function read(
  command: BuildxInvocation["command"],
  explicit: boolean,
  words: readonly string[],
): BuildxInvocation {
  const platforms: string[] = [];
  const outputs: string[] = [];
  const sets: string[] = [];
  const cacheFrom: string[] = [];
  const cacheTo: string[] = [];
  const operands: string[] = [];
  let pushes = false;
  let builder: string | undefined;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    const [flag, inline] = word.startsWith("--") && word.includes("=") ? splitOnce(word) : [word, undefined];
    const value = (): string => inline ?? words[++i] ?? "";
    if (!word.startsWith("-")) operands.push(word);
    else if (inline === undefined && VALUE_FLAGS.has(flag) && !KEPT_FLAGS.has(flag)) i++;
    if (flag === "--platform") platforms.push(...splitList(value()));
    else if (flag === "--push") pushes = true;
    else if (flag === "--output" || flag === "-o") outputs.push(value());
    else if (flag === "--set") sets.push(value());
    else if (flag === "--cache-from") cacheFrom.push(value());
    else if (flag === "--cache-to") cacheTo.push(value());
    else if (flag === "--builder") builder = value();
  }
  for (const set of sets) {
    const [key, v] = splitOnce(set);
    if (/\.platform$/.test(key) && v !== undefined) platforms.push(...splitList(v));
    if (/\.output$/.test(key) && v !== undefined) outputs.push(v);
    if (/\.push$/.test(key) && v === "true") pushes = true;
    if (/\.cache-from$/.test(key) && v !== undefined) cacheFrom.push(v);
    if (/\.cache-to$/.test(key) && v !== undefined) cacheTo.push(v);
  }
  let byDigest = false;
  for (const output of outputs) {
    const attrs = parseAttributes(output);
    const type = attrs["type"] ?? (output.includes("=") ? "" : "local");
    if (type === "registry" || (type === "image" && attrs["push"] === "true")) pushes = true;
    if (attrs["push-by-digest"] === "true") byDigest = true;
  }
  return {
    command,
    explicit,
    platforms,
    pushes,
    byDigest,
    sets,
    cacheFrom: cacheFrom.map(cacheSpec),
    cacheTo: cacheTo.map(cacheSpec),
    builder,
    operands,
    words,
  };
}

/** `type=gha,mode=max` as attributes; a bare reference (`user/app:cache`) is a registry cache. */
function cacheSpec(text: string): Record<string, string> {
  return text.includes("=") ? parseAttributes(text) : { type: "registry", ref: text };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf("=");
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

export function splitList(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
}
