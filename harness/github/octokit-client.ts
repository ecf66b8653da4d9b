import { Octokit } from "@octokit/rest";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import Bottleneck from "bottleneck";

const GraderOctokit = Octokit.plugin(retry, throttling);
export type GitHubClient = InstanceType<typeof GraderOctokit>;

export interface ClientOptions {
  readonly token: string;
  readonly baseUrl?: string;
  /** Injectable for tests. */
  readonly fetch?: typeof fetch;
  /** Base delay of the retry plugin, ms (GitHub: 1000; tests: small). */
  readonly retryBaseMs?: number;
  /**
   * Least time between two writes (POST, PATCH, PUT, DELETE), ms: GitHub asks for a second,
   * which is the default; a local server that stands in for GitHub needs none.
   */
  readonly writeSpacingMs?: number;
  readonly log?: (message: string) => void;
}

/**
 * Octokit with the usual plugins: transient errors (5xx) are retried with back-off, rate limits
 * (primary and secondary) are waited out and retried twice.
 */
export function createGitHubClient(options: ClientOptions): GitHubClient {
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const waitAndRetry =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _octokit: unknown,
      retryCount: number,
    ): boolean => {
      log(
        `GitHub ${kind} on ${request.method} ${request.url}: waiting ${retryAfter}s (retry ${retryCount + 1})`,
      );
      return retryCount < 2;
    };
  return new GraderOctokit({
    auth: options.token,
    userAgent: "buildkit-lesson-grader",
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
    request: { ...(options.fetch ? { fetch: options.fetch } : {}), retryAfter: 1 },
    retry: { retries: 3, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    throttle: {
      ...(options.writeSpacingMs === undefined
        ? {}
        : { write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.writeSpacingMs }) }),
      onRateLimit: waitAndRetry("rate limit"),
      onSecondaryRateLimit: waitAndRetry("secondary rate limit"),
    },
    log: { debug: () => undefined, info: () => undefined, warn: log, error: log },
  });
}
