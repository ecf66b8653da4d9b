import { flaggedEdits } from "../grading/flagged-edits.ts";
import type { GitHubClient } from "./octokit-client.ts";

/** The grading workflow of the default branch: the only run whose reports may be posted. */
export const GRADING_WORKFLOW = ".github/workflows/grade.yml";
/** GitHub lists at most this many files of a pull request. */
const MAX_LISTED_FILES = 3000;

/** What GitHub itself says about a finished grading run (never what its artifact says). */
export interface TrustedRun {
  readonly runId: number;
  readonly headSha: string;
  readonly pullRequest: number;
  readonly htmlUrl: string;
  /** Files the pull request changes (renames: both names), as GitHub lists them. */
  readonly changedFiles: readonly string[];
  /** Of those, the ones outside `exercises/<id>/workspace/`: any of them means no score. */
  readonly outside: readonly string[];
}

export type RunVerdict =
  | { readonly ok: true; readonly run: TrustedRun }
  | { readonly ok: false; readonly reason: string; readonly headSha?: string };

/**
 * Establishes, from GitHub's API, which pull request a `grade` run graded and whether its
 * grade can be trusted: the run must be a pull_request run of the default branch's grading
 * workflow, its head must be the head of exactly one open pull request from the same
 * repository, and that pull request may change nothing outside the exercises' workspaces.
 */
export async function establishRun(
  client: GitHubClient,
  target: {
    readonly owner: string;
    readonly repo: string;
    readonly runId: number;
    readonly exerciseIds: readonly string[];
  },
): Promise<RunVerdict> {
  const { owner, repo, runId } = target;
  const { data: run } = await client.rest.actions.getWorkflowRun({ owner, repo, run_id: runId });
  const headSha = run.head_sha;
  if (run.event !== "pull_request")
    return {
      ok: false,
      headSha,
      reason: `run ${runId} was triggered by ${run.event}, not by a pull request`,
    };
  // A pull request can add a workflow that is also named "grade": only the file counts.
  if (run.path !== GRADING_WORKFLOW)
    return { ok: false, headSha, reason: `run ${runId} came from ${run.path}, not from ${GRADING_WORKFLOW}` };
  const { data: workflow } = await client.rest.actions.getWorkflow({
    owner,
    repo,
    workflow_id: GRADING_WORKFLOW.split("/").at(-1) ?? "grade.yml",
  });
  if (workflow.id !== run.workflow_id)
    return {
      ok: false,
      headSha,
      reason: `run ${runId} is not a run of the default branch's ${GRADING_WORKFLOW}`,
    };

  const headRepo = run.head_repository?.full_name;
  if (!headRepo) return { ok: false, headSha, reason: `run ${runId} has no head repository` };
  // For a fork, workflow_run.pull_requests is empty: search the open pull requests by head.
  let numbers = (run.pull_requests ?? []).filter((p) => p.head.sha === headSha).map((p) => p.number);
  if (numbers.length === 0) {
    const open = await client.paginate(client.rest.pulls.list, { owner, repo, state: "open", per_page: 100 });
    numbers = open
      .filter((p) => p.head.sha === headSha && p.head.repo?.full_name === headRepo)
      .map((p) => p.number);
  }
  const [number, ...others] = numbers;
  if (number === undefined)
    return {
      ok: false,
      headSha,
      reason: `no open pull request from ${headRepo} has head ${headSha.slice(0, 12)}`,
    };
  if (others.length > 0)
    return {
      ok: false,
      headSha,
      reason: `several pull requests have head ${headSha.slice(0, 12)}: ${numbers.join(", ")}`,
    };
  const { data: pull } = await client.rest.pulls.get({ owner, repo, pull_number: number });
  if (pull.head.sha !== headSha || pull.head.repo?.full_name !== headRepo)
    return {
      ok: false,
      headSha,
      reason: `pull request #${number} has moved on since run ${runId}: grade the new head`,
    };

  const files = await client.paginate(client.rest.pulls.listFiles, {
    owner,
    repo,
    pull_number: number,
    per_page: 100,
  });
  if (pull.changed_files > MAX_LISTED_FILES || files.length < pull.changed_files)
    return {
      ok: false,
      headSha,
      reason: `pull request #${number} changes ${pull.changed_files} files, more than GitHub lists (${MAX_LISTED_FILES})`,
    };
  const changedFiles = files.flatMap((f) =>
    f.previous_filename ? [f.previous_filename, f.filename] : [f.filename],
  );
  return {
    ok: true,
    run: {
      runId,
      headSha,
      pullRequest: number,
      htmlUrl: run.html_url,
      changedFiles,
      outside: outsideWorkspaces(changedFiles, target.exerciseIds),
    },
  };
}

/** Changed files that are not plainly inside a workspace (a `..` segment never is). */
export function outsideWorkspaces(files: readonly string[], exerciseIds: readonly string[]): string[] {
  const sneaky = files.filter((f) => f.split("/").some((part) => part === ".." || part === "."));
  return [...new Set([...flaggedEdits(files, exerciseIds), ...sneaky])].sort();
}
