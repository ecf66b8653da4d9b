import type { GradeReport } from "../grading/grade-report.ts";
import { errorMessage } from "../errors.ts";
import { batches, checkRunPayload, notGradedPayload, type CheckRunPayload } from "./check-run-payload.ts";
import type { GitHubClient } from "./octokit-client.ts";

export interface PostTarget {
  readonly owner: string;
  readonly repo: string;
  readonly headSha: string;
  readonly detailsUrl?: string;
}

export interface PostResult {
  readonly exercise: string;
  readonly ok: boolean;
  readonly checkRunId?: number;
  readonly action?: "created" | "updated";
  readonly requests: number;
  readonly error?: string;
}

/**
 * Posts one check run per report on the head commit. A re-run updates the check of the same
 * name instead of adding another; annotations go 50 per request (GitHub's limit), the first
 * batch with the create/update and the rest as further updates, which append.
 */
export class CheckPoster {
  private readonly client: GitHubClient;
  private readonly target: PostTarget;

  /** The head's latest check run of each name, listed once for all exercises. */
  private existing: Promise<Map<string, number>> | undefined;

  constructor(client: GitHubClient, target: PostTarget) {
    this.client = client;
    this.target = target;
  }

  async post(report: GradeReport): Promise<PostResult> {
    return this.upsert(
      report.exercise,
      checkRunPayload(report, { workspacePrefix: (id) => `exercises/${id}/workspace/` }),
    );
  }

  /** A check with no score: why this exercise was not graded, and what to do. */
  async postNotGraded(exercise: string, title: string, text: string): Promise<PostResult> {
    return this.upsert(exercise, notGradedPayload(exercise, title, text));
  }

  private async upsert(exercise: string, payload: CheckRunPayload): Promise<PostResult> {
    const { owner, repo, headSha } = this.target;
    let requests = 0;
    try {
      if (this.existing === undefined) {
        this.existing = this.listExisting();
        requests++;
      }
      const existing = await this.existing;
      let [first = [], ...rest] = batches(payload.annotations);
      const output = { ...payload.output, annotations: first };
      const common = {
        conclusion: payload.conclusion,
        external_id: payload.external_id,
        ...(this.target.detailsUrl ? { details_url: this.target.detailsUrl } : {}),
      };
      let id: number;
      let action: PostResult["action"];
      const foundId = existing.get(payload.name);
      const found = foundId === undefined ? undefined : { id: foundId };
      if (found) {
        // GitHub appends annotations on every update: send only those the check lacks, so a
        // re-run of the same grade does not repeat them.
        const known = await this.client.paginate(this.client.rest.checks.listAnnotations, {
          owner,
          repo,
          check_run_id: found.id,
          per_page: 100,
        });
        requests += Math.max(1, Math.ceil(known.length / 100));
        const seen = new Set(known.map((a) => annotationKey(a)));
        const fresh = payload.annotations.filter((a) => !seen.has(annotationKey(a)));
        [first = [], ...rest] = batches(fresh);
        output.annotations = first;
        await this.client.rest.checks.update({
          owner,
          repo,
          check_run_id: found.id,
          status: "completed",
          output,
          ...common,
        });
        id = found.id;
        action = "updated";
      } else {
        const created = await this.client.rest.checks.create({
          owner,
          repo,
          name: payload.name,
          head_sha: headSha,
          status: "completed",
          output,
          ...common,
        });
        id = created.data.id;
        existing.set(payload.name, id);
        action = "created";
      }
      requests++;
      for (const batch of rest) {
        await this.client.rest.checks.update({
          owner,
          repo,
          check_run_id: id,
          output: { ...payload.output, annotations: batch },
        });
        requests++;
      }
      return { exercise, ok: true, checkRunId: id, action, requests };
    } catch (error) {
      return { exercise, ok: false, requests, error: errorMessage(error) };
    }
  }

  private async listExisting(): Promise<Map<string, number>> {
    const { owner, repo, headSha } = this.target;
    const runs = await this.client.paginate(this.client.rest.checks.listForRef, {
      owner,
      repo,
      ref: headSha,
      filter: "latest",
      per_page: 100,
    });
    const ids = new Map<string, number>();
    // The newest of a name (ids grow) is the one a re-run updates, whatever the listing's order.
    for (const run of runs) if (run.id > (ids.get(run.name) ?? 0)) ids.set(run.name, run.id);
    return ids;
  }
}

function annotationKey(a: {
  path: string;
  start_line: number;
  end_line: number;
  message?: string | null;
  title?: string | null;
}): string {
  return JSON.stringify([a.path, a.start_line, a.end_line, a.message ?? "", a.title ?? ""]);
}
