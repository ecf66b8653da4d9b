import { at } from "../../harness/grading/kit/locations.ts";
import { usableWorkflow } from "../../harness/grading/kit/usable-workflow.ts";
import type { CheckLocation } from "../../harness/grading/check.ts";
import type { Scorecard } from "../../harness/grading/scorecard.ts";
import {
  cosignInvocations,
  flagValue,
  type CosignInvocation,
} from "../../harness/workflow/cosign-invocation.ts";
import { shellCommands } from "../../harness/workflow/shell-commands.ts";
import {
  permissionFor,
  type WorkflowModel,
  type WorkflowStep,
} from "../../harness/workflow/workflow-model.ts";
import { CHECKS } from "./checks.ts";
import { expandVariables, referenceOrigin, type DigestOrigin, type StepScope } from "./digest-origin.ts";

export const WORKFLOW_FILE = ".github/workflows/release.yml";
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
/** The workflow a signature must come from: this exercise's own release workflow. */
const WORKFLOW_PATH = /^\.github\/workflows\/release\.ya?ml$/;

/** One cosign call in one step of the workflow. */
interface CosignSite {
  readonly step: WorkflowStep;
  readonly invocation: CosignInvocation;
}

function cosignSites(model: WorkflowModel): CosignSite[] {
  return model.steps.flatMap((step) =>
    step.run === undefined
      ? []
      : cosignInvocations(shellCommands(step.run)).map((invocation) => ({ step, invocation })),
  );
}

function describeOrigin(origin: DigestOrigin): string {
  switch (origin.kind) {
    case "build-digest":
      return `the build step's digest (${origin.via})`;
    case "image-id":
      return `${origin.via}, which is the digest of one image's config, not of the pushed index`;
    case "tag":
      return "a tag (no @digest), which cosign resolves when it runs: whatever the tag points at by then gets signed";
    case "literal":
      return `a digest written into the workflow (${origin.digest.slice(0, 19)}...), which is never the one this run pushed`;
    case "unknown":
      return `${origin.text}, which the workflow does not take from the build step's outputs`;
  }
}

/** Every job the given job waits for, directly or not. */
function upstream(model: WorkflowModel, jobId: string, seen = new Set<string>()): Set<string> {
  for (const need of model.jobs.find((j) => j.id === jobId)?.needs ?? []) {
    if (seen.has(need)) continue;
    seen.add(need);
    upstream(model, need, seen);
  }
  return seen;
}

/**
 * Whether a cosign call runs, and finishes, before the deploy command: an earlier step of the
 * job, an earlier command of the same step (a failing command stops GitHub's `bash -e`), or a
 * job the deploy's job needs.
 */
function runsBefore(model: WorkflowModel, site: CosignSite, deploy: DeploySite): boolean {
  if (site.step === deploy.step) return site.invocation.index < deploy.index;
  if (site.step.job === deploy.step.job) return site.step.line < deploy.step.line;
  return upstream(model, deploy.step.job).has(site.step.job);
}

/** The deploy command: its step, its place among the step's commands, and its arguments. */
interface DeploySite {
  readonly step: WorkflowStep;
  readonly index: number;
  readonly args: readonly string[];
}

const DEPLOY_SCRIPT = /(^|\/)deploy\.sh$/;

function deploySite(model: WorkflowModel): DeploySite | undefined {
  for (const step of model.steps) {
    const commands = shellCommands(step.run ?? "");
    const index = commands.findIndex((c) => c.words.some((w) => DEPLOY_SCRIPT.test(w)));
    const words = commands[index]?.words;
    if (words) return { step, index, args: words.slice(words.findIndex((w) => DEPLOY_SCRIPT.test(w)) + 1) };
  }
  return undefined;
}

/** A regexp's literal beginning: `^https://github\.com/a/b/.*` -> `https://github.com/a/b/`. */
function literalPrefix(pattern: string): { prefix: string; rest: string } {
  let prefix = "";
  let i = pattern.startsWith("^") ? 1 : 0;
  for (; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    // A GitHub expression is replaced before cosign sees the pattern: it is part of the text.
    if (pattern.startsWith("${{", i)) {
      const end = pattern.indexOf("}}", i);
      if (end > 0) {
        prefix += pattern.slice(i, end + 2);
        i = end + 1;
        continue;
      }
    }
    if (ch === "\\" && i + 1 < pattern.length && !/[A-Za-z0-9]/.test(pattern.charAt(i + 1))) {
      prefix += pattern.charAt(++i);
      continue;
    }
    // An unescaped dot matches any character, but in a host or file name it is the dot meant.
    if (ch === "." && pattern.charAt(i + 1) !== "*" && pattern.charAt(i + 1) !== "+") {
      prefix += ch;
      continue;
    }
    if (/[\\*+?[\](){}|$^]/.test(ch)) break;
    prefix += ch;
  }
  return { prefix, rest: pattern.slice(i) };
}

const REPOSITORY = String.raw`(?:\$\{\{\s*github\.repository\s*\}\}|[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)`;
const SERVER = String.raw`(?:https://github\.com|\$\{\{\s*github\.server_url\s*\}\})`;
const WORKFLOW_IDENTITY = new RegExp(String.raw`^${SERVER}/${REPOSITORY}/(\.github/workflows/[^@/]+)@.+$`);
const WORKFLOW_REF_IDENTITY = new RegExp(String.raw`^${SERVER}/\$\{\{\s*github\.workflow_ref\s*\}\}$`);
const WORKFLOW_PREFIX = new RegExp(String.raw`^${SERVER}/${REPOSITORY}/(\.github/workflows/[^@/]+)(@|$)`);

/** Why a verify call's identity is not pinned to this repository's release workflow, or undefined. */
export function identityProblem(
  identity: string | undefined,
  regexp: string | undefined,
): string | undefined {
  if (identity !== undefined) {
    if (WORKFLOW_REF_IDENTITY.test(identity)) return undefined;
    const match = WORKFLOW_IDENTITY.exec(identity);
    if (!match)
      return `--certificate-identity ${identity} does not name a workflow of this repository (https://github.com/OWNER/REPO/.github/workflows/release.yml@REF)`;
    if (!WORKFLOW_PATH.test(match[1] ?? ""))
      return `--certificate-identity names ${match[1] ?? "?"}, not the release workflow that signs`;
    return undefined;
  }
  if (regexp !== undefined) {
    const { prefix } = literalPrefix(regexp);
    const match = WORKFLOW_PREFIX.exec(prefix);
    if (!match || !WORKFLOW_PATH.test(match[1] ?? ""))
      return `--certificate-identity-regexp ${regexp} lets other identities through: its fixed part (${prefix || "nothing"}) must run up to this repository's .github/workflows/release.yml`;
    return undefined;
  }
  return "no --certificate-identity: cosign then accepts a certificate for any identity";
}

/** Why a verify call's issuer is not GitHub's OIDC issuer, or undefined. */
export function issuerProblem(issuer: string | undefined, regexp: string | undefined): string | undefined {
  if (issuer !== undefined)
    return issuer.replace(/\/$/, "") === GITHUB_ISSUER
      ? undefined
      : `--certificate-oidc-issuer is ${issuer}, not ${GITHUB_ISSUER}`;
  if (regexp !== undefined) {
    const { prefix, rest } = literalPrefix(regexp);
    return prefix === GITHUB_ISSUER && /^\$?$/.test(rest)
      ? undefined
      : `--certificate-oidc-issuer-regexp ${regexp} matches more than ${GITHUB_ISSUER}`;
  }
  return `no --certificate-oidc-issuer: set it to ${GITHUB_ISSUER}`;
}

/** The workflow's four static checks: token permission, signing by digest, a pinned verification, verification before deploy. */
export function checkWorkflow(parsed: WorkflowModel | undefined, card: Scorecard): void {
  const ids = [CHECKS.idToken.id, CHECKS.signDigest.id, CHECKS.verifyPinned.id, CHECKS.verifyFirst.id];
  const model = usableWorkflow(parsed, WORKFLOW_FILE, card, ids);
  if (!model) return;
  const sites = cosignSites(model);
  const here = (...lines: (number | undefined)[]): CheckLocation =>
    at(WORKFLOW_FILE, ...lines, model.steps[0]?.line);
  const scope = (step: WorkflowStep): StepScope => ({ model, step });
  const signs = sites.filter((s) => s.invocation.command === "sign");
  const verifies = sites.filter(
    (s) => s.invocation.command === "verify" || s.invocation.command === "verify-attestation",
  );

  // id-token: every job that signs must be allowed to mint the OIDC token keyless signing needs.
  if (signs.length === 0)
    card.fail(CHECKS.idToken.id, {
      message:
        "No step runs cosign sign, so no job needs an OIDC token yet: add the signing step, in a job with id-token: write.",
      location: here(),
    });
  else {
    const short = signs.filter((s) => permissionFor(model, s.step.job, "id-token") !== "write");
    const job = model.jobs.find((j) => j.id === short[0]?.step.job);
    card.judge(
      CHECKS.idToken.id,
      short.length === 0,
      short.length === 0
        ? {
            message: `The signing job (${[...new Set(signs.map((s) => s.step.job))].join(", ")}) has id-token: write.`,
            location: here(signs[0]?.step.line),
          }
        : {
            message: `Job ${short[0]?.step.job ?? "?"} signs, but its token has ${permissionFor(model, short[0]?.step.job ?? "", "id-token") === "default" ? "only the repository's default permissions, which never include id-token" : "no id-token: write"}: keyless signing needs GitHub's OIDC token. Add id-token: write to the job's permissions (a job's permissions replace the workflow's).`,
            location: here(job?.line, short[0]?.step.line),
          },
    );
  }

  // Signing: each cosign sign names the digest the build step reported.
  if (signs.length === 0)
    card.fail(CHECKS.signDigest.id, {
      message:
        "No step runs cosign sign: sign the pushed index with cosign sign IMAGE@DIGEST, the digest from the build step's outputs.",
      location: here(),
    });
  else {
    const wrong = signs
      .flatMap((s) =>
        (s.invocation.operands.length > 0 ? s.invocation.operands : [""]).map((t) => ({
          site: s,
          target: t,
          origin: referenceOrigin(t, scope(s.step)),
        })),
      )
      .filter((t) => t.origin.kind !== "build-digest");
    const first = wrong[0];
    card.judge(
      CHECKS.signDigest.id,
      first === undefined,
      first === undefined
        ? {
            message: `cosign sign names the index by the build step's digest (${signs.map((s) => s.step.name ?? s.step.job).join(", ")}).`,
            location: here(signs[0]?.step.line),
          }
        : {
            message: first.target
              ? `cosign sign signs ${first.target}: that is ${describeOrigin(first.origin)}. Sign IMAGE@DIGEST with the digest from the build step's outputs (steps.<id>.outputs.digest).`
              : "cosign sign names no image: sign IMAGE@DIGEST with the digest from the build step's outputs.",
            location: here(first.site.step.line),
          },
    );
  }

  // Verification: identity and issuer pinned, in every verify call.
  if (verifies.length === 0)
    card.fail(CHECKS.verifyPinned.id, {
      message: `No step runs cosign verify: add one before the deploy, with --certificate-identity naming this repository's release workflow and --certificate-oidc-issuer ${GITHUB_ISSUER}.`,
      location: here(),
    });
  else {
    const problems = verifies.flatMap((s) => {
      const expand = (v: string | undefined) =>
        v === undefined ? undefined : expandVariables(v, scope(s.step));
      const i = s.invocation;
      const found = [
        identityProblem(
          expand(flagValue(i, "--certificate-identity")),
          expand(flagValue(i, "--certificate-identity-regexp")),
        ),
        issuerProblem(
          expand(flagValue(i, "--certificate-oidc-issuer")),
          expand(flagValue(i, "--certificate-oidc-issuer-regexp")),
        ),
      ].filter((p): p is string => p !== undefined);
      return found.length ? [{ site: s, problems: found }] : [];
    });
    const first = problems[0];
    card.judge(
      CHECKS.verifyPinned.id,
      first === undefined,
      first === undefined
        ? {
            message:
              "Every cosign verify pins the identity to this repository's release workflow and the issuer to GitHub's OIDC.",
            location: here(verifies[0]?.step.line),
          }
        : {
            message: `cosign verify in ${first.site.step.name ?? `job ${first.site.step.job}`}: ${first.problems.join("; ")}. Pin both: --certificate-identity https://github.com/\${{ github.repository }}/.github/workflows/release.yml@\${{ github.ref }} and --certificate-oidc-issuer ${GITHUB_ISSUER}.`,
            location: here(first.site.step.line),
          },
    );
  }

  // Deploy: after a verification of the digest it deploys.
  const site = deploySite(model);
  if (!site) {
    card.fail(CHECKS.verifyFirst.id, {
      message: "No step runs deploy/deploy.sh any more: keep the deploy step, after the verification.",
      location: here(),
    });
    return;
  }
  const deploy = site.step;
  const deployArgs = site.args;
  const deployOrigins = deployArgs.map((a) => referenceOrigin(a, scope(deploy)));
  const before = verifies.filter(
    (s) =>
      runsBefore(model, s, site) &&
      s.invocation.operands.some((t) => referenceOrigin(t, scope(s.step)).kind === "build-digest"),
  );
  const deploysDigest = deployOrigins.some((o) => o.kind === "build-digest");
  const ok = before.length > 0 && deploysDigest;
  const later = verifies.find((s) => !runsBefore(model, s, site));
  card.judge(
    CHECKS.verifyFirst.id,
    ok,
    ok
      ? {
          message: `${deploy.name ?? "The deploy step"} (job ${deploy.job}) runs after cosign verify of the same build digest (job ${before[0]?.step.job ?? "?"}).`,
          location: here(deploy.line),
        }
      : {
          message:
            before.length === 0
              ? later
                ? `The deploy (job ${deploy.job}) does not wait for the verification in ${later.step.name ?? `job ${later.step.job}`}: put it in an earlier step of the same job, or in a job the deploy job needs.`
                : "Nothing verifies the build's digest before the deploy: add cosign verify IMAGE@DIGEST (the build step's digest) before it, in the same job or a job it needs."
              : `The deploy hands over ${deployArgs.join(" ") || "no image"}: that is ${describeOrigin(deployOrigins[0] ?? { kind: "tag" })}. Deploy IMAGE@DIGEST, the digest that was verified.`,
          location: here(deploy.line),
        },
  );
}
