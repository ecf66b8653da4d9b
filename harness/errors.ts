/**
 * Every error the harness raises has a stable `code` (for reports and exit statuses) and keeps
 * its `cause`. Expected failures of a submission are values (check results), not errors: these
 * classes mean that grading itself could not be done.
 */
export type GraderErrorCode =
  | "ENGINE_UNAVAILABLE"
  | "ENGINE_START_FAILED"
  | "BUILDER_FAILED"
  | "DRIVER_UNSUITED"
  | "EXEC_FAILED"
  | "EXEC_TIMEOUT"
  | "INVALID_SUBMISSION"
  | "UNKNOWN_EXERCISE"
  | "REGISTRY_ERROR"
  | "REGISTRY_RATE_LIMITED"
  | "REGISTRY_UNAVAILABLE"
  | "NETWORK_ERROR"
  | "ENGINE_LOST"
  | "DISK_FULL"
  | "STAND_IN_LIMIT"
  | "LAYER_READ_FAILED"
  | "INTERRUPTED"
  | "CHECK_CRASHED"
  | "TOOL_OUTPUT";

export class GraderError extends Error {
  readonly code: GraderErrorCode;
  /** What the person running the grader should do next. */
  readonly hint: string | undefined;

  constructor(code: GraderErrorCode, message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }
}

export class EngineUnavailableError extends GraderError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super("ENGINE_UNAVAILABLE", message, {
      hint: "Start a Docker engine with buildx, or on Debian/Ubuntu run as root: bash harness/engine/provision.sh",
      ...options,
    });
  }
}

export class InvalidSubmissionError extends GraderError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super("INVALID_SUBMISSION", message, options);
  }
}

export class RegistryError extends GraderError {
  readonly status: number | undefined;
  constructor(message: string, options: { cause?: unknown; status?: number } = {}) {
    super("REGISTRY_ERROR", message, options);
    this.status = options.status;
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
