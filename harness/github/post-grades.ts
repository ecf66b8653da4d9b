import type { CheckSpec } from "../grading/check.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { errorMessage } from "../errors.ts";
import { markdownInline } from "../report/safe-text.ts";
import { downloadArtifact } from "./artifact-download.ts";
import { ARTIFACT_LIMITS, readReportArtifact, type ArtifactRead } from "./artifact-reader.ts";
import { CheckPoster } from "./check-poster.ts";
import { establishRun, type RunPolicy } from "./grade-run.ts";
import type { GitHubClient } from "./octokit-client.ts";
import { verifyReport } from "./report-verifier.ts";

export const REPORTS_ARTIFACT = "grade-reports";

/** An exercise as the default branch's grader defines it: what a trusted report must match. */
export interface TrustedExercise {
  readonly id: string;
  readonly checks: readonly CheckSpec[];
  /** The default branch's grader of it, by content (grader-fingerprint.ts). */
  readonly fingerprint: string;
}

export interface PostGradesRequest {
  readonly client: GitHubClient;
  readonly owner: string;
  readonly repo: string;
  readonly runId: number;
  readonly exercises: readonly TrustedExercise[];
  readonly policy?: RunPolicy;
  readonly log: (line: string) => void;
}

/**
 * The trusted half of pull-request grading: decides from GitHub's API (never from the
 * artifact) whether the run's grades may be posted, then posts one check per exercise: the
 * cross-checked score, or a check without a score that says why there is none.
 * Returns 0 when every exercise got a score, 1 otherwise.
 */
export async function postGrades(request: PostGradesRequest): Promise<number> {
  const { client, owner, repo, runId, exercises, log } = request;
  const verdict = await establishRun(
    client,
    { owner, repo, runId, exerciseIds: exercises.map((e) => e.id) },
    request.policy,
  );
  if (!verdict.ok) {
    log(`::error title=Grade not trusted::${verdict.reason}`);
    // A learner's pull request that gets no score is told why on its head; any other run
    // (another workflow's, a closed or moved pull request's) gets no check at all.
    if (verdict.explain !== undefined && verdict.headSha !== undefined) {
      const poster = new CheckPoster(client, { owner, repo, headSha: verdict.headSha });
      for (const { id } of exercises) {
        const result = await poster.postNotGraded(
          id,
          "Not graded: this pull request cannot get a trusted score",
          `${verdict.explain}.`,
        );
        if (!result.ok) log(`::error title=Check not posted::${id}: ${result.error ?? "unknown error"}`);
      }
    }
    return 1;
  }
  const run = verdict.run;
  const poster = new CheckPoster(client, { owner, repo, headSha: run.headSha, detailsUrl: run.htmlUrl });
  let failed = false;
  const notGraded = async (id: string, title: string, text: string): Promise<void> => {
    failed = true;
    // Workflow commands end at a newline: the whole reason goes on one line.
    log(`::error title=${id} not graded::${title}. ${text.replace(/\s*\n\s*/g, " ")}`);
    const result = await poster.postNotGraded(id, title, text);
    if (!result.ok) log(`::error title=Check not posted::${id}: ${result.error ?? "unknown error"}`);
  };

  if (run.outside.length > 0) {
    const list = run.outside.map((f) => `- \`${f.replace(/`/g, "")}\``).join("\n");
    for (const { id } of exercises)
      await notGraded(
        id,
        "Not graded: this pull request changes files outside the exercises' workspaces",
        `Only files in \`exercises/<id>/workspace/\` may change in a submission. Revert these, then push again:\n\n${list}`,
      );
    return 1;
  }

  let artifact: ArtifactRead;
  try {
    const entries = await downloadArtifact(
      client,
      { owner, repo, runId, name: REPORTS_ARTIFACT },
      ARTIFACT_LIMITS,
    );
    artifact = readReportArtifact(entries);
  } catch (error) {
    for (const { id } of exercises)
      await notGraded(
        id,
        "Not graded: the grading run's reports could not be read",
        `${markdownInline(errorMessage(error))}. Re-run the grading workflow.`,
      );
    return 1;
  }
  const { reports, rejected } = artifact;
  for (const r of rejected) log(`::error title=Report refused::${r.file}: ${r.reason}`);

  for (const exercise of exercises) {
    const report = reports.find((r) => r.exercise === exercise.id);
    const refusal = rejected.find((r) => r.file === `${exercise.id}.json`);
    if (!report) {
      await notGraded(
        exercise.id,
        "Not graded: no valid report for this exercise",
        refusal
          ? `The report was refused: ${markdownInline(refusal.reason)}.`
          : "The grading run produced no report for it. Re-run the grading workflow.",
      );
      continue;
    }
    if (
      report.grader !== exercise.fingerprint &&
      (report.status === "passed" || report.status === "failed")
    ) {
      await notGraded(
        exercise.id,
        "Not graded: graded by another version of the grader",
        "The grading run used a grader other than the default branch's current one (a re-run of an old run, or a base that is behind). Push a new commit, or merge the default branch, to be graded again.",
      );
      continue;
    }
    const problems = verifyReport(report, exercise.id, exercise.checks);
    if (problems.length > 0) {
      await notGraded(
        exercise.id,
        "Not graded: the report does not match this exercise's grader",
        `The report was not produced by the grader of the default branch: ${markdownInline(problems.slice(0, 10).join("; "))}.`,
      );
      continue;
    }
    const result = await poster.post(trusted(report, exercise));
    if (result.ok)
      log(
        `${exercise.id}: check run ${result.checkRunId ?? "?"} ${result.action ?? ""} (${result.requests} requests)`,
      );
    else {
      failed = true;
      log(
        `::error title=Check not posted::${exercise.id}: ${result.error ?? "unknown error"}. The grade is in the reports artifact.`,
      );
    }
  }
  return failed ? 1 : 0;
}

/** The report as posted: titles from the trusted grader, and nothing the untrusted run asserted about edits. */
function trusted(report: GradeReport, exercise: TrustedExercise): GradeReport {
  const titles = new Map(exercise.checks.map((c) => [c.id, c.title]));
  const posted: GradeReport = {
    ...report,
    checks: report.checks.map((c) => ({ ...c, title: titles.get(c.id) ?? c.title })),
  };
  const { flaggedEdits: _untrusted, ...rest } = posted;
  return rest;
}
