import { errorMessage, GraderError } from "../errors.ts";
import type { CheckLocation, CheckResult, CheckSpec } from "./check.ts";

export interface Verdict {
  readonly message: string;
  readonly location?: CheckLocation | undefined;
  readonly details?: readonly string[] | undefined;
}

/**
 * Collects one result per declared check. A check that throws becomes an `error` result and the
 * others go on; a check that never reported is an `error` too, so nothing is silently lost.
 */
export class Scorecard {
  private readonly specs: ReadonlyMap<string, CheckSpec>;
  private readonly results = new Map<string, CheckResult>();

  constructor(specs: readonly CheckSpec[]) {
    this.specs = new Map(specs.map((s) => [s.id, s]));
  }

  pass(id: string, verdict: Verdict): void {
    const spec = this.spec(id);
    this.record(spec, "passed", spec.points, verdict);
  }

  fail(id: string, verdict: Verdict): void {
    this.record(this.spec(id), "failed", 0, verdict);
  }

  /** Partial credit: the check failed but earned `points` of its total. */
  partial(id: string, points: number, verdict: Verdict): void {
    const spec = this.spec(id);
    this.record(spec, "failed", Math.max(0, Math.min(points, spec.points)), verdict);
  }

  /** pass or fail from a boolean, with the message that fits. */
  judge(id: string, ok: boolean, verdict: Verdict): void {
    if (ok) this.pass(id, verdict);
    else this.fail(id, verdict);
  }

  error(id: string, error: unknown): void {
    const hint = error instanceof GraderError && error.hint ? ` ${error.hint}` : "";
    this.record(this.spec(id), "error", 0, {
      message: `The grader could not run this check: ${errorMessage(error)}.${hint}`,
    });
  }

  /** Runs a check body; a throw becomes an error result for that check alone. */
  async run(id: string, body: () => Promise<void> | void): Promise<void> {
    try {
      await body();
    } catch (error) {
      this.error(id, error);
    }
  }

  /** Fails every check not yet decided, for a reason that stopped them all (e.g. the build failed). */
  failRemaining(ids: readonly string[], verdict: Verdict): void {
    for (const id of ids) if (!this.results.has(id)) this.fail(id, verdict);
  }

  errorRemaining(ids: readonly string[], error: unknown): void {
    for (const id of ids) if (!this.results.has(id)) this.error(id, error);
  }

  has(id: string): boolean {
    return this.results.has(id);
  }

  /** All results in declaration order; undecided checks are reported as grader errors. */
  all(): CheckResult[] {
    return [...this.specs.values()].map(
      (spec) =>
        this.results.get(spec.id) ?? {
          id: spec.id,
          title: spec.title,
          kind: spec.kind,
          status: "error",
          points: 0,
          maxPoints: spec.points,
          message: "The grader did not reach this check (an earlier step stopped it).",
        },
    );
  }

  private spec(id: string): CheckSpec {
    const spec = this.specs.get(id);
    if (!spec) throw new Error(`unknown check id ${id}`);
    return spec;
  }

  private record(spec: CheckSpec, status: CheckResult["status"], points: number, verdict: Verdict): void {
    // First verdict wins: a later, more general failure must not overwrite a specific one.
    if (this.results.has(spec.id)) return;
    this.results.set(spec.id, {
      id: spec.id,
      title: spec.title,
      kind: spec.kind,
      status,
      points,
      maxPoints: spec.points,
      message: verdict.message,
      ...(verdict.location ? { location: verdict.location } : {}),
      ...(verdict.details && verdict.details.length > 0 ? { details: verdict.details } : {}),
    });
  }
}
