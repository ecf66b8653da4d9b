import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";

/** What exercise.json holds, once it meets exercise.schema.json. */
export interface ExerciseDeclaration {
  readonly id: string;
  readonly title: string;
  readonly grader: string;
  readonly learnerFiles: readonly string[];
  readonly handout: Readonly<Record<string, string>>;
  readonly network?: "none" | "services" | "npm";
  readonly platforms?: readonly string[];
  readonly buildTimeoutSeconds?: number;
  readonly bake?: { readonly file: string; readonly variables?: Readonly<Record<string, string>> };
  readonly service?: { readonly healthPath: string; readonly portVariable: string };
}

const schema = JSON.parse(readFileSync(new URL("./exercise.schema.json", import.meta.url), "utf8")) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile<ExerciseDeclaration>(schema);

export type DeclarationCheck =
  | { readonly ok: true; readonly declaration: ExerciseDeclaration }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Checks parsed exercise.json against its schema; each problem names the field (pure). */
export function checkDeclaration(value: unknown): DeclarationCheck {
  if (validate(value)) return { ok: true, declaration: value };
  return { ok: false, problems: (validate.errors ?? []).map(describe) };
}

function describe(error: ErrorObject): string {
  const field = error.instancePath ? error.instancePath.slice(1).replaceAll("/", ".") : "(top level)";
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return `${field === "(top level)" ? "" : `${field}: `}unknown field "${String(params["additionalProperty"])}"`;
    case "required":
      return `${field === "(top level)" ? "" : `${field}: `}missing field "${String(params["missingProperty"])}"`;
    case "enum":
      return `${field}: must be one of ${(params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return `${field}: ${error.message ?? "is invalid"}`;
  }
}
