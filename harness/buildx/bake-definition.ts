import { isAbsolute, resolve } from "node:path";
import type { SecretSpec } from "./build-command.ts";
import { csvFields, parseAttributes } from "../util/csv-fields.ts";
import { InvalidSubmissionError } from "../errors.ts";

/**
 * Pure parser for `docker buildx bake --print`: the learner's bake file, with variables already
 * resolved, as build settings. The grader then runs each target with `docker buildx build`, so it
 * can add what bake 0.13 cannot express (the RUN network) and its own outputs and caches.
 */
export interface BakeTarget {
  readonly name: string;
  /** Absolute local folder; meaningless when `remoteContext` is set. */
  readonly context: string;
  /** A Git or HTTP(S) context, which the grader refuses. */
  readonly remoteContext: string | undefined;
  readonly dockerfile: string;
  readonly target: string | undefined;
  readonly args: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly secrets: readonly SecretSpec[];
  /** `cache-from`, `cache-to` and `output` entries, from the string or the object form buildx prints. */
  readonly cacheFrom: readonly Readonly<Record<string, string>>[];
  readonly cacheTo: readonly Readonly<Record<string, string>>[];
  readonly outputs: readonly Readonly<Record<string, string>>[];
  readonly platforms: readonly string[];
  readonly tags: readonly string[];
  /** `no-cache`: every step is built again, as in the learner's CI. */
  readonly noCache: boolean;
  /** `no-cache-filter`: the stages built again. */
  readonly noCacheFilter: readonly string[];
  /** Settings the grader does not apply as written, so they can be replaced or refused, never dropped silently. */
  readonly ignored: readonly string[];
}

/**
 * What the grader applies from a target; everything else lands in `ignored`. `description`
 * (printed by buildx 0.16 and later) changes no build, so there is nothing to apply.
 */
const APPLIED = new Set([
  "context",
  "dockerfile",
  "target",
  "args",
  "labels",
  "secret",
  "no-cache",
  "no-cache-filter",
  "description",
]);

interface BakePrint {
  group?: Record<string, { targets?: string[] }>;
  target?: Record<string, Record<string, unknown>>;
}

export function parseBakePrint(text: string, cwd: string, group = "default"): BakeTarget[] {
  const raw = JSON.parse(text) as BakePrint;
  const targets = raw.target ?? {};
  const names = raw.group?.[group] ? expandGroup(raw, group) : Object.keys(targets);
  return names.flatMap((name) => {
    const t = targets[name];
    if (!t) return [];
    const contextText = str(t["context"]) ?? ".";
    const remote = isRemoteContext(contextText) ? contextText : undefined;
    const secrets = list(t["secret"]).map((spec) => parseSecret(spec, cwd));
    return [
      {
        name,
        context: remote ? cwd : resolve(cwd, contextText),
        remoteContext: remote,
        dockerfile: str(t["dockerfile"]) ?? "Dockerfile",
        target: str(t["target"]),
        args: record(t["args"]),
        labels: record(t["labels"]),
        secrets,
        cacheFrom: list(t["cache-from"]).flatMap(cacheAttributes),
        cacheTo: list(t["cache-to"]).flatMap(cacheAttributes),
        outputs: list(t["output"]).map(attributes),
        platforms: list(t["platforms"]).filter((p): p is string => typeof p === "string"),
        tags: list(t["tags"]).filter((p): p is string => typeof p === "string"),
        noCache: t["no-cache"] === true || t["no-cache"] === "true",
        noCacheFilter: list(t["no-cache-filter"]).filter((p): p is string => typeof p === "string"),
        ignored: Object.keys(t).filter((k) => !APPLIED.has(k) && !isEmpty(t[k])),
      },
    ];
  });
}

/** A group's targets in order, groups inside it expanded, each target once. */
function expandGroup(raw: BakePrint, name: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const members = raw.group?.[name]?.targets ?? [];
  const out: string[] = [];
  for (const member of members) {
    for (const t of raw.group?.[member] ? expandGroup(raw, member, seen) : [member])
      if (!out.includes(t)) out.push(t);
  }
  return out;
}

/** Git and HTTP(S) contexts, as buildx recognises them. */
export function isRemoteContext(context: string): boolean {
  return /^(https?:\/\/|git@|git:\/\/|ssh:\/\/|github\.com\/)/.test(context) || /\.git(#.*)?$/.test(context);
}

/**
 * `id=npmrc,src=.npmrc`, `id=tok,env=NPM_TOKEN`, `type=env,id=X` (buildx's forms), or the object
 * newer buildx prints. A relative src is relative to where bake ran; with neither src nor env,
 * the secret comes from the variable named like its id, as buildx does when that variable is set.
 */
export function parseSecret(spec: unknown, cwd: string): SecretSpec {
  // As buildx: every field is key=value, and a file source is never empty (else it would name
  // the folder bake ran in).
  if (typeof spec === "string") {
    const bare = csvFields(spec).find((f) => f.trim() !== "" && !f.includes("="));
    if (bare !== undefined)
      throw new InvalidSubmissionError(`secret "${spec}": the field "${bare}" must be a key=value pair`);
  }
  const fields = attributes(spec);
  if ((fields["src"] ?? fields["source"]) === "")
    throw new InvalidSubmissionError(`secret ${JSON.stringify(spec)}: src is empty`);
  const id = fields["id"] ?? "";
  let src = fields["src"] ?? fields["source"];
  let env = fields["env"];
  if (fields["type"] === "env" && env === undefined) {
    env = src ?? id;
    src = undefined;
  }
  if (src === undefined && env === undefined && fields["type"] !== "file" && id) env = id;
  return {
    id,
    ...(src !== undefined ? { src: isAbsolute(src) ? src : resolve(cwd, src) } : {}),
    ...(env !== undefined ? { env } : {}),
  };
}

/**
 * One entry of a list setting: `type=registry,ref=r/app:cache,mode=max` (CSV, as buildx reads it)
 * or the object newer buildx prints (`{"type": "registry", "ref": ..., "mode": "max"}`), whose
 * non-string values (`"ignore-error": true`) are kept as their text.
 */
export function attributes(spec: unknown): Record<string, string> {
  if (typeof spec === "string") return parseAttributes(spec);
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec))
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean")
      out[k.toLowerCase()] = String(v);
  return out;
}

/**
 * A cache entry's attributes; a string of references alone (`r/a:cache,r/b:cache`) is, as
 * buildx reads it, one registry cache per reference, each a bare key as `attributes` gives it.
 */
function cacheAttributes(spec: unknown): Record<string, string>[] {
  if (typeof spec !== "string") return [attributes(spec)];
  const fields = csvFields(spec);
  return fields.length > 1 && fields.every((f) => !f.includes("="))
    ? fields.map((f) => ({ [f]: "" }))
    : [attributes(spec)];
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function isEmpty(v: unknown): boolean {
  if (typeof v === "object" && v !== null && !Array.isArray(v)) return Object.keys(v).length === 0;
  return v === null || v === undefined || v === false || (Array.isArray(v) && v.length === 0);
}
function record(v: unknown): Record<string, string> {
  if (typeof v !== "object" || v === null) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}
