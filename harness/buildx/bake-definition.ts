import { isAbsolute, resolve } from "node:path";
import type { SecretSpec } from "./build-command.ts";

/**
 * Pure parser for `docker buildx bake --print`: the learner's bake file, with variables already
 * resolved, as build settings. The grader then runs each target with `docker buildx build`, so it
 * can add what bake 0.13 cannot express (the RUN network) and its own outputs and caches.
 */
export interface BakeTarget {
  readonly name: string;
  readonly context: string;
  readonly dockerfile: string;
  readonly target: string | undefined;
  readonly args: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly secrets: readonly SecretSpec[];
  readonly platforms: readonly string[];
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  /** Settings the grader does not honour, so the report can say so. */
  readonly ignored: readonly string[];
}

const HONOURED = new Set([
  "context",
  "dockerfile",
  "target",
  "args",
  "labels",
  "secret",
  "platforms",
  "cache-from",
  "cache-to",
  "tags",
  "output",
  "attest",
  "pull",
  "no-cache",
]);

export function parseBakePrint(text: string, cwd: string, group = "default"): BakeTarget[] {
  const raw = JSON.parse(text) as {
    group?: Record<string, { targets?: string[] }>;
    target?: Record<string, Record<string, unknown>>;
  };
  const targets = raw.target ?? {};
  const names = raw.group?.[group]?.targets ?? Object.keys(targets);
  return names.flatMap((name) => {
    const t = targets[name];
    if (!t) return [];
    const context = resolve(cwd, str(t["context"]) ?? ".");
    const secrets = strings(t["secret"]).map((spec) => parseSecret(spec, cwd));
    return [
      {
        name,
        context,
        dockerfile: str(t["dockerfile"]) ?? "Dockerfile",
        target: str(t["target"]),
        args: record(t["args"]),
        labels: record(t["labels"]),
        secrets,
        platforms: strings(t["platforms"]),
        cacheFrom: strings(t["cache-from"]),
        cacheTo: strings(t["cache-to"]),
        ignored: Object.keys(t).filter((k) => !HONOURED.has(k)),
      },
    ];
  });
}

/** `id=npmrc,src=.npmrc` / `id=tok,env=NPM_TOKEN`; a relative src is relative to where bake ran. */
export function parseSecret(spec: string, cwd: string): SecretSpec {
  const fields = Object.fromEntries(
    spec.split(",").map((kv) => [kv.slice(0, kv.indexOf("=")).trim(), kv.slice(kv.indexOf("=") + 1).trim()]),
  );
  const id = fields["id"] ?? "";
  const src = fields["src"] ?? fields["source"];
  return {
    id,
    ...(src ? { src: isAbsolute(src) ? src : resolve(cwd, src) } : {}),
    ...(fields["env"] ? { env: fields["env"] } : {}),
  };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
function record(v: unknown): Record<string, string> {
  if (typeof v !== "object" || v === null) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
}
