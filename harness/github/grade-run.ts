import { flaggedEdits } from "../grading/flagged-edits.ts";
import type { GitHubClient } from "./octokit-client.ts";

/** The grading workflow of the default branch: the only run whose reports may be posted. */
export const GRADING_WORKFLOW = ".github/workflows/grade.yml";

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
  | {
      readonly ok: false;
      readonly reason: string;
      readonly headSha?: string;
      /** Set when the run is a learner's pull request that gets no score: said on its head. */
      readonly explain?: string;
    };

/** What the course accepts beyond forks by learners without write access (SECURITY.md). */
export interface RunPolicy {
  /** Score pull requests whose author can push to the repository (their own branches included). */
  readonly acceptWriters: boolean;
}

/** GitHub lists at most this many files of a comparison. */
const MAX_COMPARED_FILES = 300;
/** Permissions that can push branches, workflows and checks to the repository. */
const WRITERS = new Set(["admin", "maintain", "write"]);

/**
 * Establishes, from GitHub's API, which pull request a `grade` run graded and whether its
 * grade can be trusted: the run must be a pull_request run of the default branch's grading
 * workflow; its head must be the head of exactly one open pull request into the default branch;
 * its author may not push to the repository (unless the policy accepts it); and the files that
 * the graded commit changes against the base may all lie in the exercises' workspaces.
 */
export async function establishRun(
  client: GitHubClient,
  target: {
    readonly owner: string;
    readonly repo: string;
    readonly runId: number;
    readonly exerciseIds: readonly string[];
  },
  policy: RunPolicy = { acceptWriters: false },
): Promise<RunVerdict> {
  const { owner, repo, runId } = target;
  const { data: run } = await client.rest.actions.getWorkflowRun({ owner, repo, run_id: runId });
  const headSha = run.head_sha;
  const refused = await workflowRefusal(client, target, run);
  if (refused) return { ok: false, headSha, reason: refused };
  const headRepo = run.head_repository?.full_name;
  if (!headRepo) return { ok: false, headSha, reason: `run ${runId} has no head repository` };
  const found = await pullRequestOf(client, target, run, headRepo);
  if (typeof found === "string") return { ok: false, headSha, reason: found };
  const { data: repository } = await client.rest.repos.get({ owner, repo });
  const pull = await readPull(client, target, found);
  const problem = pullProblem(pull, { headSha, headRepo, defaultBranch: repository.default_branch, runId });
  if (problem) return { ok: false, headSha, ...problem };
  const writer = await authorRefusal(client, target, pull, headRepo, policy);
  if (writer) return { ok: false, headSha, reason: writer, explain: writer };

  // The files of the graded commit against the base: fixed by the two shas, whatever is pushed
  // to the pull request meanwhile.
  const { data: comparison } = await client.rest.repos.compareCommitsWithBasehead({
    owner,
    repo,
    basehead: `${pull.base.sha}...${headSha}`,
    per_page: 1,
  });
  const files = comparison.files ?? [];
  if (files.length >= MAX_COMPARED_FILES) {
    const reason = `pull request #${pull.number} changes ${MAX_COMPARED_FILES} files or more, more than GitHub compares`;
    return { ok: false, headSha, reason, explain: reason };
  }
  // Read again: a pull request whose head or base moved while it was read is graded next time.
  const again = await readPull(client, target, pull.number);
  if (again.head.sha !== headSha || again.base.sha !== pull.base.sha || again.state !== "open")
    return {
      ok: false,
      headSha,
      reason: `pull request #${pull.number} changed while it was being checked: its next grading run posts`,
    };
  const changedFiles = files.flatMap((f) =>
    f.previous_filename ? [f.previous_filename, f.filename] : [f.filename],
  );
  return {
    ok: true,
    run: {
      runId,
      headSha,
      pullRequest: pull.number,
      htmlUrl: run.html_url,
      changedFiles,
      outside: outsideWorkspaces(changedFiles, target.exerciseIds),
    },
  };
}

type Target = { readonly owner: string; readonly repo: string; readonly runId: number };
type WorkflowRun = Awaited<ReturnType<GitHubClient["rest"]["actions"]["getWorkflowRun"]>>["data"];
type Pull = Awaited<ReturnType<GitHubClient["rest"]["pulls"]["get"]>>["data"];

/** Why the run is not one of the default branch's grading workflow, if it is not. */
async function workflowRefusal(
  client: GitHubClient,
  target: Target,
  run: WorkflowRun,
): Promise<string | undefined> {
  const { owner, repo, runId } = target;
  if (run.event !== "pull_request")
    return `run ${runId} was triggered by ${run.event}, not by a pull request`;
  // A pull request can add a workflow that is also named "grade": only the file counts.
  if (run.path !== GRADING_WORKFLOW)
    return `run ${runId} came from ${run.path}, not from ${GRADING_WORKFLOW}`;
  const { data: workflow } = await client.rest.actions.getWorkflow({
    owner,
    repo,
    workflow_id: GRADING_WORKFLOW.split("/").at(-1) ?? "grade.yml",
  });
  return workflow.id === run.workflow_id
    ? undefined
    : `run ${runId} is not a run of the default branch's ${GRADING_WORKFLOW}`;
}

/** The one open pull request whose head the run graded, or why there is none. */
async function pullRequestOf(
  client: GitHubClient,
  target: Target,
  run: WorkflowRun,
  headRepo: string,
): Promise<number | string> {
  const { owner, repo } = target;
  const headSha = run.head_sha;
  // For a fork, workflow_run.pull_requests is empty: search the open pull requests by head.
  let numbers = (run.pull_requests ?? []).filter((p) => p.head.sha === headSha).map((p) => p.number);
  if (numbers.length === 0) {
    const open = await client.paginate(client.rest.pulls.list, { owner, repo, state: "open", per_page: 100 });
    numbers = open
      .filter((p) => p.head.sha === headSha && p.head.repo?.full_name === headRepo)
      .map((p) => p.number);
  }
  const [number, ...others] = numbers;
  if (number === undefined) return `no open pull request from ${headRepo} has head ${headSha.slice(0, 12)}`;
  if (others.length > 0)
    return `several pull requests have head ${headSha.slice(0, 12)}: ${numbers.join(", ")}`;
  return number;
}

async function readPull(client: GitHubClient, target: Target, number: number): Promise<Pull> {
  return (await client.rest.pulls.get({ owner: target.owner, repo: target.repo, pull_number: number })).data;
}

/** Pure: why this pull request's run gets no score, and whether to say so on its head. */
export function pullProblem(
  pull: Pick<Pull, "number" | "state"> & {
    readonly head: { readonly sha: string; readonly repo: { readonly full_name: string } | null };
    readonly base: { readonly ref: string };
  },
  run: {
    readonly headSha: string;
    readonly headRepo: string;
    readonly defaultBranch: string;
    readonly runId: number;
  },
): { readonly reason: string; readonly explain?: string } | undefined {
  if (pull.head.sha !== run.headSha || pull.head.repo?.full_name !== run.headRepo)
    return { reason: `pull request #${pull.number} has moved on since run ${run.runId}: grade the new head` };
  if (pull.state !== "open") return { reason: `pull request #${pull.number} is ${pull.state}` };
  if (pull.base.ref !== run.defaultBranch) {
    const reason = `pull request #${pull.number} is into ${pull.base.ref}, not into ${run.defaultBranch}: only pull requests into the default branch are graded, with its grader`;
    return { reason, explain: reason };
  }
  return undefined;
}

/** A user's permission on the repository; one GitHub does not know as a collaborator has none. */
async function permissionOf(client: GitHubClient, target: Target, username: string): Promise<string> {
  try {
    const { data } = await client.rest.repos.getCollaboratorPermissionLevel({
      owner: target.owner,
      repo: target.repo,
      username,
    });
    return WRITERS.has(data.role_name) ? data.role_name : data.permission;
  } catch (error) {
    if (typeof error === "object" && error !== null && "status" in error && error.status === 404)
      return "none";
    throw error;
  }
}

/** Why the pull request's author may not get a score here (they can push to the repository). */
async function authorRefusal(
  client: GitHubClient,
  target: Target,
  pull: Pull,
  headRepo: string,
  policy: RunPolicy,
): Promise<string | undefined> {
  if (policy.acceptWriters) return undefined;
  const { owner, repo } = target;
  if (headRepo === `${owner}/${repo}`)
    return `pull request #${pull.number} comes from a branch of this repository: its author can push workflows that write checks, so its score could not be trusted. Open it from a fork`;
  const login = pull.user.login;
  const permission = await permissionOf(client, target, login);
  return WRITERS.has(permission)
    ? `${login} can push to ${owner}/${repo}: their pull requests' scores could not be trusted (a workflow of theirs could write checks)`
    : undefined;
}

/** Changed files that are not plainly inside a workspace (a `..` segment never is). */
export function outsideWorkspaces(files: readonly string[], exerciseIds: readonly string[]): string[] {
  const sneaky = files.filter((f) => f.split("/").some((part) => part === ".." || part === "."));
  return [...new Set([...flaggedEdits(files, exerciseIds), ...sneaky])].sort();
}
