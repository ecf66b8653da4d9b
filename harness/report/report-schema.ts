import { readFileSync } from "node:fs";
import { Ajv, type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import type { GradeReport } from "../grading/grade-report.ts";

/** The versioned JSON Schema in reports/schema/ that every report (and every artifact) must meet. */
const schema = JSON.parse(
  readFileSync(new URL("../../reports/schema/grade-report.v1.schema.json", import.meta.url), "utf8"),
) as object;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv);
const validate = ajv.compile<GradeReport>(schema);

export type ReportValidation =
  | { readonly ok: true; readonly report: GradeReport }
  | { readonly ok: false; readonly errors: readonly string[] };

/** Validates untrusted JSON (an artifact from a pull request) as a grade report. */
export function validateReport(value: unknown): ReportValidation {
  if (validate(value)) return { ok: true, report: value };
  return { ok: false, errors: (validate.errors ?? []).map(describe) };
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || "/"} ${error.message ?? "is invalid"}`;
}
