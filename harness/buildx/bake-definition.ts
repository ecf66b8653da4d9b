import { isAbsolute, resolve } from "node:path";
import type { SecretSpec } from "./build-command.ts";

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
  /** Settings the grader does not apply as written, so they can be replaced or refused, never dropped silently. */
  readonly ignored: readonly string[];
}

/** What the grader applies from a target; everything else lands in `ignored`. */
const APPLIED = new Set(["context", "dockerfile", "target", "args", "labels", "secret"]);

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
  const fields: Record<string, string> = {};
  if (typeof spec === "string") {
    for (const field of spec.split(",")) {
      const at = field.indexOf("=");
      const key = (at < 0 ? field : field.slice(0, at)).trim().toLowerCase();
      fields[key] = at < 0 ? "" : field.slice(at + 1).trim();
    }
  } else if (typeof spec === "object" && spec !== null) {
    for (const [k, v] of Object.entries(spec)) if (typeof v === "string") fields[k.toLowerCase()] = v;
  }
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

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || v === false || (Array.isArray(v) && v.length === 0);
}
function record(v: unknown): Record<string, string> {
  if (typeof v !== "object" || v === null) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}
