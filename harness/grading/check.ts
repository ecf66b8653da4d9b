/** A check's fixed identity: what it is worth and what it looks at. */
export interface CheckSpec {
  /** Stable id, e.g. `dockerfile.manifests-first`: reports and tests refer to it. */
  readonly id: string;
  readonly title: string;
  readonly points: number;
  readonly kind: "static" | "behaviour";
}

export interface CheckLocation {
  readonly file: string;
  readonly line?: number;
  readonly endLine?: number;
}

/**
 * passed/failed are verdicts on the submission; `error` means the grader could not decide
 * (engine trouble, a crash in the check) and is reported as such, never as a silent zero.
 */
export type CheckStatus = "passed" | "failed" | "error";

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly kind: CheckSpec["kind"];
  readonly status: CheckStatus;
  readonly points: number;
  readonly maxPoints: number;
  /** What the learner should know or do. */
  readonly message: string;
  readonly location?: CheckLocation;
  readonly details?: readonly string[];
}

/** The ids of a grader's behaviour checks: those a failed or missing build leaves undecided. */
export function behaviourIds(checks: readonly CheckSpec[]): string[] {
  return checks.filter((c) => c.kind === "behaviour").map((c) => c.id);
}
