import { zipSync } from "fflate";
import type { GradeReport } from "../../grading/grade-report.ts";
import { listExercises } from "../../grading/exercise.ts";
import { graderFingerprint } from "../../grading/grader-fingerprint.ts";
import { loadGraders } from "../../grading/grader-loader.ts";

/** Reports shaped exactly as the grader of each exercise would write them (for the posting tests). */
export async function genuineReports(failing: ReadonlySet<string> = new Set()): Promise<GradeReport[]> {
  const exercises = await listExercises();
  const graders = await loadGraders(exercises);
  const fingerprints = new Map<string, string>();
  for (const e of exercises) fingerprints.set(e.id, await graderFingerprint(e.id));
  return exercises.map((e) => {
    const checks = (graders.get(e.id)?.checks ?? []).map((c) => {
      const fails = failing.has(c.id);
      return {
        id: c.id,
        title: c.title,
        kind: c.kind,
        status: fails ? ("failed" as const) : ("passed" as const),
        points: fails ? 0 : c.points,
        maxPoints: c.points,
        message: fails ? "Line 3 copies the sources before the install." : "ok",
        ...(fails ? { location: { file: "Dockerfile", line: 3 } } : {}),
      };
    });
    const score = checks.reduce((t, c) => t + c.points, 0);
    const maxScore = checks.reduce((t, c) => t + c.maxPoints, 0);
    return {
      schemaVersion: 1,
      exercise: e.id,
      title: e.title,
      status: score === maxScore ? "passed" : "failed",
      score,
      maxScore,
      checks,
      measurements: {},
      notes: [],
      submission: `exercises/${e.id}/workspace`,
      environment: { driver: "private-engine", setupMs: 900 },
      startedAt: "2026-11-28T08:00:00.000Z",
      durationMs: 30_000,
      grader: fingerprints.get(e.id) ?? "",
    };
  });
}

/** The artifact the grading workflow uploads: one JSON file per report, plus the summary. */
export function reportsZip(
  reports: readonly GradeReport[],
  extra: Record<string, Uint8Array> = {},
): Uint8Array {
  const files: Record<string, Uint8Array> = {
    "summary.md": new TextEncoder().encode("## Grading results\n"),
    ...extra,
  };
  for (const r of reports) files[`${r.exercise}.json`] = new TextEncoder().encode(JSON.stringify(r));
  return zipSync(files);
}
