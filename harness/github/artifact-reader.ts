import type { GradeReport } from "../grading/grade-report.ts";
import { validateReport } from "../report/report-schema.ts";
import type { ArtifactEntry, ZipLimits } from "./artifact-zip.ts";

/** Limits for an artifact that came from a pull request: untrusted data, never executed. */
export const ARTIFACT_LIMITS: ZipLimits = {
  maxFileBytes: 1_000_000,
  maxTotalBytes: 10_000_000,
  maxFiles: 50,
};

export interface ArtifactRead {
  readonly reports: readonly GradeReport[];
  /** Files refused, and why: they are reported in the job log, not posted. */
  readonly rejected: readonly { readonly file: string; readonly reason: string }[];
}

/** Reads `<exercise>.json` reports from an unpacked artifact, validating each against the schema. */
export function readReportArtifact(entries: readonly ArtifactEntry[]): ArtifactRead {
  const reports: GradeReport[] = [];
  const rejected: { file: string; reason: string }[] = [];
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (const { name, bytes } of entries) {
    let value: unknown;
    try {
      value = JSON.parse(decoder.decode(bytes));
    } catch {
      rejected.push({ file: name, reason: "not valid UTF-8 JSON" });
      continue;
    }
    const valid = validateReport(value);
    if (!valid.ok) {
      rejected.push({
        file: name,
        reason: `does not meet the report schema: ${valid.errors.slice(0, 5).join("; ")}`,
      });
      continue;
    }
    if (`${valid.report.exercise}.json` !== name) {
      rejected.push({ file: name, reason: `its exercise is ${valid.report.exercise}, not the file's name` });
      continue;
    }
    reports.push(valid.report);
  }
  return { reports, rejected };
}
