import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GitHubOpenApi } from "./openapi-validator.ts";

/**
 * A local stand-in for api.github.com's Checks API, for tests: every request body and every
 * response is validated against GitHub's OpenAPI description, and any mismatch is recorded as a
 * violation. It answers like GitHub (ids, URLs, 201/200) and can be told to fail.
 */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly operationId: string | undefined;
  readonly body: unknown;
  readonly status: number;
}

type Failure = (
  { readonly status: 500 } | { readonly status: 403; readonly rateLimit: true } | { readonly status: 422 }
) & {
  /** Only requests for this operation fail (e.g. "checks/create"); by default any. */
  readonly operation?: string;
};
type Json = Record<string, unknown>;

let openApi: GitHubOpenApi | undefined;

export class FakeGitHub {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  private readonly api = (openApi ??= new GitHubOpenApi());
  private readonly runs = new Map<number, Json>();
  private readonly annotations = new Map<number, Json[]>();
  private readonly failures: Failure[] = [];
  private readonly workflowRuns = new Map<number, Json>();
  private readonly workflows = new Map<string, Json>();
  private readonly pulls: Json[] = [];
  private readonly pullFiles = new Map<number, Json[]>();
  private readonly commitFiles = new Map<string, Json[]>();
  private readonly permissions = new Map<string, string>();
  private readonly defaultBranch = "main";
  private readonly artifacts = new Map<number, { id: number; name: string; zip: Uint8Array }[]>();
  private nextId = 4_000_000_001;
  private server: Server | undefined;
  url = "";

  async start(): Promise<this> {
    // A fault of the fake itself is a violation and a 500, never a request left hanging.
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push(`the fake failed on ${req.method ?? ""} ${req.url ?? ""}: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.server)
        this.server.close(() => {
          resolve();
        });
      else resolve();
    });
  }

  /** The next request(s) fail this way, whatever they are. */
  failNext(failure: Failure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(failure);
  }

  /** A workflow file of the default branch; returns its id. */
  addWorkflow(path: string, name: string): number {
    const workflow = this.api.example("workflow") as Json;
    const id = this.nextId++;
    const file = path.split("/").at(-1) ?? path;
    this.workflows.set(file, { ...workflow, id, name, path });
    return id;
  }

  /** A finished workflow run, shaped like GitHub's own example with these fields set. */
  addWorkflowRun(run: {
    id: number;
    workflowId: number;
    path: string;
    event: string;
    headSha: string;
    headRepo: string;
    pullRequests?: readonly { number: number; headSha: string }[];
  }): void {
    const example = this.api.example("workflow-run") as Json;
    const headRepository = { ...(example["head_repository"] as Json), full_name: run.headRepo };
    this.workflowRuns.set(run.id, {
      ...example,
      id: run.id,
      workflow_id: run.workflowId,
      path: run.path,
      event: run.event,
      head_sha: run.headSha,
      status: "completed",
      conclusion: "success",
      head_repository: headRepository,
      pull_requests: (run.pullRequests ?? []).map((p) => ({
        id: p.number,
        number: p.number,
        url: `${this.url}/repos/course/lesson/pulls/${p.number}`,
        head: { ref: "main", sha: p.headSha, repo: { id: 1, url: `${this.url}/repos/x/y`, name: "y" } },
        base: { ref: "main", sha: "f".repeat(40), repo: { id: 1, url: `${this.url}/repos/x/y`, name: "y" } },
      })),
    });
  }

  /**
   * A pull request from `headRepo` into the default branch (unless `baseRef` says otherwise),
   * open unless `state` says otherwise, and the files its head changes (renames keep their old
   * name), as both its file list and the comparison of its base with its head show them.
   */
  addPullRequest(pull: {
    number: number;
    headSha: string;
    headRepo: string;
    files: readonly (string | { filename: string; previous: string })[];
    state?: "open" | "closed";
    baseRef?: string;
    author?: string;
  }): void {
    const example = this.api.example("pull-request") as Json;
    const head = example["head"] as Json;
    const base = example["base"] as Json;
    this.pulls.push({
      ...example,
      number: pull.number,
      state: pull.state ?? "open",
      changed_files: pull.files.length,
      requested_teams: [],
      user: { ...(example["user"] as Json), login: pull.author ?? "learner" },
      head: { ...head, sha: pull.headSha, repo: { ...(head["repo"] as Json), full_name: pull.headRepo } },
      base: {
        ...base,
        ref: pull.baseRef ?? this.defaultBranch,
        sha: BASE_SHA,
        repo: { ...(base["repo"] as Json), full_name: "course/lesson" },
      },
    });
    const files = diffEntries(this.api, pull.files);
    this.pullFiles.set(pull.number, files);
    this.commitFiles.set(pull.headSha, files);
  }

  /** What GitHub lists as the pull request's files from now on (e.g. after a push), not its head's. */
  listPullFilesAs(number: number, files: readonly string[]): void {
    this.pullFiles.set(number, diffEntries(this.api, files));
  }

  /** A user's permission on the repository (GitHub's collaborator permission: admin, write, read, none). */
  setPermission(login: string, permission: "admin" | "write" | "read" | "none"): void {
    this.permissions.set(login, permission);
  }

  /** An artifact of a run, served as GitHub does: a 302 to a download URL. */
  addArtifact(runId: number, name: string, zip: Uint8Array): void {
    const id = this.nextId++;
    this.artifacts.set(runId, [...(this.artifacts.get(runId) ?? []), { id, name, zip }]);
  }

  checkRuns(): Json[] {
    return [...this.runs.values()];
  }

  annotationsOf(id: number): Json[] {
    return this.annotations.get(id) ?? [];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const method = req.method ?? "GET";
    const text = await readBody(req);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      this.violations.push(`${method} ${url.pathname}: the body is not JSON`);
    }
    const blob = /^\/_blobs\/(\d+)$/.exec(url.pathname);
    if (blob) {
      // The storage GitHub redirects artifact downloads to: not part of the REST API.
      const found = [...this.artifacts.values()].flat().find((a) => a.id === Number(blob[1]));
      res.writeHead(found ? 200 : 404, { "content-type": "application/zip" });
      res.end(found ? Buffer.from(found.zip) : "");
      return;
    }
    const operation = this.api.match(method, url.pathname);
    const reply = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      this.requests.push({ method, path: url.pathname, operationId: operation?.operationId, body, status });
      res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(payload === undefined ? "" : JSON.stringify(payload));
    };
    if (!operation) {
      this.violations.push(`${method} ${url.pathname} is not an operation of GitHub's REST API`);
      reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
      return;
    }
    for (const v of this.api.validateRequestBody(operation, body))
      this.violations.push(`request ${method} ${url.pathname}: ${v}`);
    if (!req.headers["authorization"])
      this.violations.push(`${method} ${url.pathname}: no Authorization header`);

    const index = this.failures.findIndex(
      (f) => f.operation === undefined || f.operation === operation.operationId,
    );
    const failure = index >= 0 ? this.failures.splice(index, 1)[0] : undefined;
    if (failure) {
      const error =
        failure.status === 403
          ? {
              message: "API rate limit exceeded for installation.",
              documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
            }
          : failure.status === 422
            ? validationFailed("annotations", "the annotation's lines are not in the file")
            : { message: "Server Error" };
      for (const v of this.api.validateComponent(
        failure.status === 422 ? "validation-error" : "basic-error",
        error,
      ))
        this.violations.push(`fake's own error body: ${v}`);
      const headers: Record<string, string> =
        failure.status === 403
          ? {
              "x-ratelimit-limit": "5000",
              "x-ratelimit-remaining": "0",
              "x-ratelimit-used": "5000",
              "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 1),
            }
          : {};
      reply(failure.status, error, headers);
      return;
    }

    const [, , owner, repo] = url.pathname.split("/");
    const notFound = (): void => {
      reply(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
    };
    let status = 200;
    let payload: unknown;
    const input = (body ?? {}) as Json;
    switch (operation.operationId) {
      case "checks/create": {
        const problem = annotationProblem(input);
        if (problem) {
          reply(422, validationFailed("annotations", problem));
          return;
        }
        const id = this.nextId++;
        this.runs.set(id, this.checkRun(id, owner ?? "", repo ?? "", input, undefined));
        this.addAnnotations(id, input);
        status = 201;
        payload = this.runs.get(id);
        break;
      }
      case "checks/update": {
        const id = Number(url.pathname.split("/").at(-1));
        const existing = this.runs.get(id);
        if (!existing) {
          reply(404, {
            message: "Not Found",
            documentation_url: "https://docs.github.com/rest/checks/runs#update-a-check-run",
          });
          return;
        }
        const problem = annotationProblem(input);
        if (problem) {
          reply(422, validationFailed("annotations", problem));
          return;
        }
        this.runs.set(id, this.checkRun(id, owner ?? "", repo ?? "", input, existing));
        this.addAnnotations(id, input);
        payload = this.runs.get(id);
        break;
      }
      case "checks/list-annotations": {
        const id = Number(url.pathname.split("/").at(-2));
        const perPage = Number(url.searchParams.get("per_page") ?? 30);
        const page = Number(url.searchParams.get("page") ?? 1);
        const all = (this.annotations.get(id) ?? []).map((a) => ({
          path: a["path"],
          start_line: a["start_line"],
          end_line: a["end_line"],
          start_column: a["start_column"] ?? null,
          end_column: a["end_column"] ?? null,
          annotation_level: a["annotation_level"],
          title: a["title"] ?? null,
          message: a["message"],
          raw_details: a["raw_details"] ?? null,
          blob_href: `https://github.com/${owner ?? ""}/${repo ?? ""}/blob/${JSON.stringify(this.runs.get(id)?.["head_sha"] ?? "").replaceAll('"', "")}/${String(a["path"])}`,
        }));
        payload = all.slice((page - 1) * perPage, page * perPage);
        const last = Math.ceil(all.length / perPage);
        if (page < last)
          res.setHeader(
            "link",
            `<${this.url}${url.pathname}?per_page=${perPage}&page=${page + 1}>; rel="next", <${this.url}${url.pathname}?per_page=${perPage}&page=${last}>; rel="last"`,
          );
        break;
      }
      case "checks/list-for-ref": {
        const ref = url.pathname.split("/")[5];
        const name = url.searchParams.get("check_name");
        let runs = [...this.runs.values()]
          .filter((r) => r["head_sha"] === ref && (name === null || r["name"] === name))
          .reverse();
        // As GitHub: "latest" keeps the newest run of each name, newest first, in pages.
        if (url.searchParams.get("filter") !== "all")
          runs = runs.filter((r, i) => runs.findIndex((o) => o["name"] === r["name"]) === i);
        payload = { total_count: runs.length, check_runs: this.page(url, res, runs) };
        break;
      }
      case "actions/get-workflow-run": {
        const run = this.workflowRuns.get(Number(url.pathname.split("/").at(-1)));
        if (!run) {
          notFound();
          return;
        }
        payload = run;
        break;
      }
      case "actions/get-workflow": {
        const workflow = this.workflows.get(url.pathname.split("/").at(-1) ?? "");
        if (!workflow) {
          notFound();
          return;
        }
        payload = workflow;
        break;
      }
      case "pulls/list": {
        const simple = this.pulls.map((p) => simplePull(p));
        payload = this.page(url, res, simple);
        break;
      }
      case "pulls/get": {
        const pull = this.pulls.find((p) => p["number"] === Number(url.pathname.split("/").at(-1)));
        if (!pull) {
          notFound();
          return;
        }
        payload = pull;
        break;
      }
      case "repos/get": {
        const example = this.api.example("full-repository") as Json;
        payload = {
          ...example,
          name: repo,
          full_name: `${owner ?? ""}/${repo ?? ""}`,
          default_branch: this.defaultBranch,
          // Required by the description, missing from its own example.
          has_discussions: false,
        };
        break;
      }
      case "repos/get-collaborator-permission-level": {
        const login = url.pathname.split("/").at(-2) ?? "";
        const permission = this.permissions.get(login) ?? "read";
        const example = this.api.example(
          "repository-collaborator-permission-response-if-user-has-admin-permissions",
        ) as Json;
        const user = { ...(example["user"] as Json), login, role_name: permission };
        payload = { ...example, permission, role_name: permission, user };
        break;
      }
      case "repos/compare-commits-with-basehead": {
        const [base, head] = decodeURIComponent(url.pathname.split("/").at(-1) ?? "").split("...");
        const files = this.commitFiles.get(head ?? "");
        if (base !== BASE_SHA || !files) {
          notFound();
          return;
        }
        const example = this.api.example("commit-comparison") as Json;
        // GitHub lists at most 300 files of a comparison, on its first page only.
        payload = { ...example, status: "ahead", files: files.slice(0, 300) };
        break;
      }
      case "pulls/list-files": {
        payload = this.page(url, res, this.pullFiles.get(Number(url.pathname.split("/").at(-2))) ?? []);
        break;
      }
      case "actions/list-workflow-run-artifacts": {
        const name = url.searchParams.get("name");
        const example = (this.api.example("artifact-paginated") as { artifacts: Json[] }).artifacts[0] ?? {};
        const list = (this.artifacts.get(Number(url.pathname.split("/").at(-2))) ?? [])
          .filter((a) => name === null || a.name === name)
          .map((a) => ({ ...example, id: a.id, name: a.name, size_in_bytes: a.zip.length, expired: false }));
        payload = { total_count: list.length, artifacts: list };
        break;
      }
      case "actions/download-artifact": {
        const id = Number(url.pathname.split("/").at(-2));
        if (![...this.artifacts.values()].flat().some((a) => a.id === id)) {
          notFound();
          return;
        }
        for (const v of this.api.validateResponse(operation, 302, undefined))
          this.violations.push(`response ${method} ${url.pathname}: ${v}`);
        this.requests.push({
          method,
          path: url.pathname,
          operationId: operation.operationId,
          body,
          status: 302,
        });
        res.writeHead(302, { location: `${this.url}/_blobs/${id}` });
        res.end();
        return;
      }
      default: {
        notFound();
        return;
      }
    }
    for (const v of this.api.validateResponse(operation, status, payload))
      this.violations.push(`response ${method} ${url.pathname}: ${v}`);
    reply(status, payload);
  }

  /** One page of `all`, with GitHub's Link header when there are more. */
  private page(url: URL, res: ServerResponse, all: readonly Json[]): Json[] {
    const perPage = Number(url.searchParams.get("per_page") ?? 30);
    const page = Number(url.searchParams.get("page") ?? 1);
    const last = Math.ceil(all.length / perPage);
    if (page < last) {
      const next = new URL(url.href);
      next.searchParams.set("page", String(page + 1));
      res.setHeader("link", `<${this.url}${next.pathname}${next.search}>; rel="next"`);
    }
    return all.slice((page - 1) * perPage, page * perPage);
  }

  private addAnnotations(id: number, input: Json): void {
    const output = input["output"] as Json | undefined;
    const list = (output?.["annotations"] as Json[] | undefined) ?? [];
    this.annotations.set(id, [...(this.annotations.get(id) ?? []), ...list]);
  }

  private checkRun(id: number, owner: string, repo: string, input: Json, existing: Json | undefined): Json {
    const base = `${this.url}/repos/${owner}/${repo}`;
    const output = (input["output"] as Json | undefined) ?? (existing?.["output"] as Json | undefined) ?? {};
    const conclusion =
      (input["conclusion"] as string | undefined) ??
      (existing?.["conclusion"] as string | null | undefined) ??
      null;
    const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
    return {
      id,
      head_sha: existing?.["head_sha"] ?? input["head_sha"],
      node_id: Buffer.from(`CheckRun${id}`).toString("base64"),
      external_id: input["external_id"] ?? existing?.["external_id"] ?? "",
      url: `${base}/check-runs/${id}`,
      html_url: `https://github.com/${owner}/${repo}/runs/${id}`,
      details_url:
        input["details_url"] ?? existing?.["details_url"] ?? `https://github.com/${owner}/${repo}/runs/${id}`,
      status: conclusion ? "completed" : (input["status"] ?? "queued"),
      conclusion,
      started_at: existing?.["started_at"] ?? now,
      completed_at: conclusion ? now : null,
      output: {
        title: (output["title"] as string | undefined) ?? null,
        summary: (output["summary"] as string | undefined) ?? null,
        text: (output["text"] as string | undefined) ?? null,
        annotations_count:
          (this.annotations.get(id)?.length ?? 0) +
          (((input["output"] as Json | undefined)?.["annotations"] as unknown[] | undefined)?.length ?? 0),
        annotations_url: `${base}/check-runs/${id}/annotations`,
      },
      name: input["name"] ?? existing?.["name"],
      check_suite: { id: 5_000_000_001 },
      app: null,
      pull_requests: [],
    };
  }
}

/** A pull request as the list endpoint returns it: the fields of pull-request-simple only. */
/** The base commit of every pull request of the fake: the default branch's head. */
export const BASE_SHA = "b".repeat(40);

function diffEntries(
  api: GitHubOpenApi,
  files: readonly (string | { filename: string; previous: string })[],
): Json[] {
  const entry = (api.example("diff-entry-items") as Json[])[0];
  return files.map((f) =>
    typeof f === "string"
      ? { ...entry, filename: f, status: "modified" }
      : { ...entry, filename: f.filename, previous_filename: f.previous, status: "renamed" },
  );
}

function simplePull(pull: Json): Json {
  const keys = [
    "url",
    "id",
    "node_id",
    "html_url",
    "diff_url",
    "patch_url",
    "issue_url",
    "commits_url",
    "review_comments_url",
    "review_comment_url",
    "comments_url",
    "statuses_url",
    "number",
    "state",
    "locked",
    "title",
    "user",
    "body",
    "labels",
    "milestone",
    "active_lock_reason",
    "created_at",
    "updated_at",
    "closed_at",
    "merged_at",
    "merge_commit_sha",
    "assignee",
    "assignees",
    "requested_reviewers",
    "requested_teams",
    "head",
    "base",
    "_links",
    "author_association",
    "auto_merge",
    "draft",
  ];
  return Object.fromEntries(keys.filter((k) => k in pull).map((k) => [k, pull[k]]));
}

/** GitHub's own limits on annotations, enforced as it does (422). */
function annotationProblem(input: Json): string | undefined {
  const list = ((input["output"] as Json | undefined)?.["annotations"] as Json[] | undefined) ?? [];
  if (list.length > 50) return `at most 50 annotations per request, got ${list.length}`;
  for (const a of list) {
    if (
      typeof a["start_line"] === "number" &&
      typeof a["end_line"] === "number" &&
      a["end_line"] < a["start_line"]
    )
      return "end_line is before start_line";
    if (a["start_column"] !== undefined && a["start_line"] !== a["end_line"])
      return "columns are only allowed on one line";
  }
  return undefined;
}

function validationFailed(field: string, message: string): Json {
  return {
    message: "Validation Failed",
    errors: [{ resource: "CheckRun", field, code: "invalid", message }],
    documentation_url: "https://docs.github.com/rest/checks/runs",
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}
