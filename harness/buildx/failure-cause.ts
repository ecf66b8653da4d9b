import type { GraderErrorCode } from "../errors.ts";

/** Whose fault a failed build, bake, push or probe is, and what to do about it. */
export type FailureCause =
  | {
      readonly party: "learner";
      readonly kind:
        | "dockerfile-syntax"
        | "step-failed"
        | "missing-file"
        | "base-image-missing"
        | "unknown-stage"
        | "limit-reached"
        | "timed-out";
    }
  | {
      readonly party: "infrastructure";
      readonly kind:
        | "rate-limited"
        | "registry-unavailable"
        | "unreachable"
        | "tls"
        | "engine-lost"
        | "disk-full"
        | "stand-in-limit"
        | "export-failed";
      readonly code: GraderErrorCode;
      /** Worth another try: the same cause may be gone in a few seconds. */
      readonly retryable: boolean;
      /** Seconds the registry asked us to wait (Retry-After), when it said. */
      readonly retryAfterSeconds: number | undefined;
      /** What the person running the grader should do. */
      readonly advice: string;
    };

export interface FailureEvidence {
  /** The failing vertex's name, as BuildKit printed it (`[2/5] RUN npm ci`, `pushing ...`). */
  readonly step: string | undefined;
  /** Whether that vertex is one of the learner's Dockerfile instructions. */
  readonly learnerStep: boolean;
  /** BuildKit's error for the failing vertex. */
  readonly error: string;
  /** The CLI's last words (`ERROR: failed to solve: ...`). */
  readonly cliMessage: string;
  /** The failing step's output: the learner's to write, so only the stand-in's marker is read there. */
  readonly log: string;
  readonly timedOut: boolean;
  /** Run limits (memory, processes, disk) the build reached. */
  readonly limits: readonly string[];
}

type Infrastructure = Extract<FailureCause, { party: "infrastructure" }>;

const infra = (
  kind: Infrastructure["kind"],
  code: GraderErrorCode,
  retryable: boolean,
  advice: string,
  text: string,
): Infrastructure => ({
  party: "infrastructure",
  kind,
  code,
  retryable,
  retryAfterSeconds: retryAfter(text),
  advice,
});

/**
 * Classifies a failure from BuildKit's and the CLI's own words. The learner's causes are those a
 * submission can produce; the grading machine's are the ones a submission cannot (a network or
 * registry fault on a pull the learner asked for looks the same as on ours, and is not theirs).
 * Order matters: a stand-in's own message beats the exit status it causes, a registry's 404
 * beats the fallback's DNS error printed after it.
 */
export function classifyFailure(evidence: FailureEvidence): FailureCause {
  // Only BuildKit's and the CLI's words: a step's output (and its command line, quoted in an
  // exit-code error) is the learner's and could imitate any message.
  const t = `${evidence.error}\n${evidence.cliMessage}`;
  if (evidence.limits.length > 0) return { party: "learner", kind: "limit-reached" };
  const exit = /did not complete successfully: exit code: (\d+)/.exec(t);
  if (exit && exit[1] === "99" && /^bk-grader stand-in:/m.test(evidence.log))
    return infra(
      "stand-in-limit",
      "STAND_IN_LIMIT",
      false,
      "The offline stand-in base image cannot do this (it has no package index to install from). Grade this submission on a machine with Docker Hub access (GRADER_MIRROR=none).",
      t,
    );
  if (exit) return { party: "learner", kind: "step-failed" };
  if (/no space left on device/i.test(t))
    return infra(
      "disk-full",
      "DISK_FULL",
      false,
      "The grading machine's disk is full: free space (docker system prune, /var/lib/bk-grader) and grade again.",
      t,
    );
  if (/429 Too Many Requests|toomanyrequests|rate limit/i.test(t))
    return infra(
      "rate-limited",
      "REGISTRY_RATE_LIMITED",
      true,
      "Docker Hub's pull rate limit: set GRADER_MIRROR to a registry mirror, or log in (docker login) before grading.",
      t,
    );
  if (
    /(manifest unknown|repository does not exist|pull access denied|not found: manifest|: not found$|insufficient_scope)/im.test(
      t,
    ) &&
    /(FROM|load metadata|resolve)/i.test(`${evidence.step ?? ""}\n${t}`)
  )
    return { party: "learner", kind: "base-image-missing" };
  if (
    /\b50[0-4]\b[^\n]*(Internal Server Error|Bad Gateway|Service Unavailable|Gateway Timeout)|unexpected status[^\n]*\b5\d\d\b/i.test(
      t,
    )
  )
    return infra(
      "registry-unavailable",
      "REGISTRY_UNAVAILABLE",
      true,
      "A registry answered with a server error: grade again in a few minutes; if it persists, check the mirror (bash harness/engine/provision.sh).",
      t,
    );
  if (
    /(error reading from server|connection error|Canceled desc = grpc|rpc error: code = Unavailable|Cannot connect to the Docker daemon|buildkitd.*(exited|not running)|failed to (dial|connect)[^\n]*buildkit)/i.test(
      t,
    )
  )
    return infra(
      "engine-lost",
      "ENGINE_LOST",
      true,
      "The build engine went away during the build: grade again; if it persists, restart it (bash harness/engine/provision.sh).",
      t,
    );
  if (/x509:|tls: |certificate (signed by unknown|has expired|is not valid)/i.test(t))
    return infra(
      "tls",
      "NETWORK_ERROR",
      false,
      "A TLS error reaching a registry: check the machine's CA bundle and any intercepting proxy, then grade again.",
      t,
    );
  if (
    /no such host|server misbehaving|i\/o timeout|connection refused|connection reset|network is unreachable|TLS handshake timeout|dial tcp/im.test(
      t,
    ) &&
    !evidence.learnerStep
  )
    return infra(
      "unreachable",
      "NETWORK_ERROR",
      true,
      "A registry could not be reached (DNS or connection failure). Offline, only the stand-in base images exist: check the mirror (bash harness/engine/provision.sh), or grade with Docker Hub access.",
      t,
    );
  if (evidence.timedOut) return { party: "learner", kind: "timed-out" };
  if (
    /dockerfile parse error|unknown instruction|unknown flag|failed to (parse|process) dockerfile|syntax error/i.test(
      t,
    )
  )
    return { party: "learner", kind: "dockerfile-syntax" };
  if (
    /(target stage|stage)\s+"?[^"\s]*"?\s+(could not be found|not found)|failed to reach build target/i.test(
      t,
    )
  )
    return { party: "learner", kind: "unknown-stage" };
  if (
    /failed to compute cache key|"[^"]*": not found|no such file or directory[^\n]*(COPY|ADD)|failed to calculate checksum/i.test(
      t,
    )
  )
    return { party: "learner", kind: "missing-file" };
  if (
    !evidence.learnerStep &&
    evidence.step !== undefined &&
    /^(pushing|exporting|unpacking|writing image|naming)/.test(evidence.step)
  )
    return infra(
      "export-failed",
      "BUILDER_FAILED",
      true,
      "BuildKit's own export or push failed after every step of the submission succeeded: grade again; if it persists, check the engine and the run registry (bash harness/engine/provision.sh).",
      t,
    );
  return { party: "learner", kind: "step-failed" };
}

/** `Retry-After: 30`, or "retry after 30s" in a registry's message. */
export function retryAfter(text: string): number | undefined {
  const match = /retry[- ]after:?\s*(\d{1,4})\s*s?/i.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
