import { lstat } from "node:fs/promises";
import { isAbsolute, relative, resolve } from "node:path";
import type { BakeTarget } from "./bake-definition.ts";
import type { SecretSpec } from "./build-command.ts";

/**
 * A learner's bake target is a request, not an order: the grader applies its context, Dockerfile,
 * target, args, labels and secrets, and only where they stay inside the submission. Everything
 * else is either replaced by the grader's own setting (and said so) or refused (and said why).
 */
export interface BakePolicy {
  /** The submission copy: context, Dockerfile and secret files must resolve inside it. */
  readonly root: string;
  /** Environment variables the grader provides for secrets (`env=NAME`). */
  readonly secretEnv: readonly string[];
  readonly maxSecretBytes?: number;
}

export type VettedBakeTarget =
  | { readonly ok: true; readonly target: BakeTarget; readonly notes: readonly string[] }
  | { readonly ok: false; readonly refusals: readonly string[]; readonly notes: readonly string[] };

/** Replaced by the grader's own value: harmless, but the learner should know. */
const REPLACED: Readonly<Record<string, string>> = {
  tags: "the grader tags the image in its own registry",
  output: "the grader pushes to its own registry",
  "cache-to": "the grader exports its own cache",
  "cache-from": "each run starts from an empty builder",
  platforms: "the exercise fixes the platforms",
  attest: "the grader records its own provenance",
  pull: "base images come from the grading mirror",
};

/** Refused: each would hand the build something of the grading machine. */
const REFUSED: Readonly<Record<string, string>> = {
  ssh: "the grader does not forward an SSH agent to this exercise's builds",
  contexts: "named contexts can point at folders or images outside the submission",
  entitlements:
    "entitlements (network.host, security.insecure) are the grader's to grant, never the submission's",
  network: "the grader sets the builds' network itself",
  "shm-size": "the grader sets the builds' limits itself",
  ulimits: "the grader sets the builds' limits itself",
  "extra-hosts": "builds reach only the hosts the grader provides",
  "dockerfile-inline": "the grader builds and checks the Dockerfile file of the submission",
  annotations: "the grader writes its own image annotations",
};

/** Build arguments that steer BuildKit itself rather than the learner's Dockerfile. */
const REFUSED_ARGS = /^BUILDKIT_SYNTAX$/i;

export const MAX_SECRET_BYTES = 64 * 1024;

export async function vetBakeTarget(target: BakeTarget, policy: BakePolicy): Promise<VettedBakeTarget> {
  const refusals: string[] = [];
  const notes: string[] = [];
  const root = resolve(policy.root);
  const inside = (path: string): boolean => {
    const rel = relative(root, path);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  };

  if (target.remoteContext)
    refusals.push(`context ${target.remoteContext}: a remote context is not the submission`);
  else if (!inside(target.context))
    refusals.push(`context: ${shown(root, target.context)} is outside the submission folder`);
  const dockerfile = resolve(target.context, target.dockerfile);
  if (!inside(dockerfile))
    refusals.push(`dockerfile: ${shown(root, dockerfile)} is outside the submission folder`);

  // Stage names only: each is one argument of --no-cache-filter.
  for (const stage of target.noCacheFilter)
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stage))
      refusals.push(`no-cache-filter: "${stage.slice(0, 64)}" is not a stage name`);

  for (const name of Object.keys(target.args))
    if (REFUSED_ARGS.test(name)) refusals.push(`args.${name}: the grader chooses the Dockerfile frontend`);

  const secrets: SecretSpec[] = [];
  for (const secret of target.secrets) {
    const problem = await secretProblem(secret, policy, inside, root);
    if (problem) refusals.push(`secret ${secret.id || "(no id)"}: ${problem}`);
    else secrets.push(secret);
  }

  for (const key of target.ignored) {
    const refused = REFUSED[key];
    const replaced = REPLACED[key];
    if (refused) refusals.push(`${key}: ${refused}`);
    else if (replaced) notes.push(`${key}: not applied, ${replaced}`);
    else refusals.push(`${key}: a setting the grader does not know, so it cannot apply it safely`);
  }
  if (refusals.length > 0) return { ok: false, refusals, notes };
  return { ok: true, target: { ...target, secrets }, notes };
}

async function secretProblem(
  secret: SecretSpec,
  policy: BakePolicy,
  inside: (path: string) => boolean,
  root: string,
): Promise<string | undefined> {
  if (!/^[A-Za-z0-9._-]+$/.test(secret.id)) return "an id is required (letters, digits, . _ -)";
  if (secret.src !== undefined && secret.env !== undefined) return "give either src or env, not both";
  if (secret.env !== undefined)
    return policy.secretEnv.includes(secret.env)
      ? undefined
      : `env=${secret.env} is not a variable the grader provides (it provides ${policy.secretEnv.join(", ") || "none"})`;
  if (secret.src === undefined)
    return "give src= (a file in the submission) or env= (a variable the grader provides)";
  if (!inside(secret.src)) return `src ${shown(root, secret.src)} is outside the submission folder`;
  const stat = await lstat(secret.src).catch(() => undefined);
  if (!stat) return `src ${shown(root, secret.src)} does not exist`;
  if (!stat.isFile()) return `src ${shown(root, secret.src)} is not a regular file`;
  const max = policy.maxSecretBytes ?? MAX_SECRET_BYTES;
  if (stat.size > max)
    return `src ${shown(root, secret.src)} is ${stat.size} bytes; a secret may be ${max} at most`;
  return undefined;
}

/** A path as the learner wrote it relative to their folder; outside paths are not echoed. */
function shown(root: string, path: string): string {
  const rel = relative(root, path);
  return rel.startsWith("..") || isAbsolute(rel) ? "a path" : rel || ".";
}
