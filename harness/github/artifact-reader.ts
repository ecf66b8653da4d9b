import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { GradeReport } from "../grading/grade-report.ts";
import { validateReport } from "../report/report-schema.ts";

/** Limits for an artifact that came from a pull request: untrusted data, never executed. */
export const ARTIFACT_LIMITS = { maxFileBytes: 1_000_000, maxTotalBytes: 10_000_000, maxFiles: 50 } as const;

export interface ArtifactRead {
  readonly reports: readonly GradeReport[];
  /** Files refused, and why: they are reported in the job log, not posted. */
  readonly rejected: readonly { readonly file: string; readonly reason: string }[];
}

/** Reads `<exercise>.json` reports from a downloaded artifact folder, validating each against the schema. */
export async function readReportArtifact(dir: string, limits = ARTIFACT_LIMITS): Promise<ArtifactRead> {
  const reports: GradeReport[] = [];
  const rejected: { file: string; reason: string }[] = [];
  const names = (await readdir(dir)).filter((n) => n.endsWith(".json")).sort();
  if (names.length > limits.maxFiles) {
    return {
      reports,
      rejected: [{ file: dir, reason: `${names.length} report files; at most ${limits.maxFiles} are read` }],
    };
  }
  let total = 0;
  for (const name of names) {
    const path = join(dir, name);
    const stat = await lstat(path);
    if (!stat.isFile()) {
      rejected.push({ file: name, reason: "not a regular file (links are not followed)" });
      continue;
    }
    if (stat.size > limits.maxFileBytes) {
      rejected.push({ file: name, reason: `${stat.size} bytes; the limit is ${limits.maxFileBytes}` });
      continue;
    }
    total += stat.size;
    if (total > limits.maxTotalBytes) {
      rejected.push({ file: name, reason: `the artifact exceeds ${limits.maxTotalBytes} bytes in all` });
      break;
    }
    let value: unknown;
    try {
      value = JSON.parse(await readFile(path, "utf8"));
    } catch {
      rejected.push({ file: name, reason: "not valid JSON" });
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
