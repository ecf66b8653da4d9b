import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GraderError } from "../errors.ts";
import { fallback, registerDisposer } from "../lifecycle/cleanup-registry.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { errorReport } from "../grading/run-grading.ts";
import { validateReport } from "../report/report-schema.ts";
import { gradeThroughImage } from "./grade-in-image.ts";

/**
 * One exercise graded in the image, as `gradeExercise` grades it on the host: its report, or a
 * report of the error when the container gave none. For `npm test`.
 */
export async function gradeExerciseInImage(
  id: string,
  options: { progress: (message: string) => void },
): Promise<GradeReport> {
  const startedAt = new Date();
  const started = performance.now();
  const out = await mkdtemp(join(tmpdir(), `bkg-image-out-${id}-`));
  // Registered as a grading's scratch copy is: Ctrl-C of npm test removes it too.
  const dispose = registerDisposer(`image report folder ${out}`, () =>
    rm(out, { recursive: true, force: true }),
  );
  fallback(dispose, [{ remove: out }]);
  let tail = "";
  try {
    const status = await gradeThroughImage([id, "--out", out], {
      progress: options.progress,
      stdout: () => undefined,
      stderr: (chunk) => {
        process.stderr.write(chunk);
        tail = (tail + chunk).slice(-2000);
      },
    });
    const text = await readFile(join(out, `${id}.json`), "utf8").catch(() => undefined);
    if (text === undefined)
      throw new GraderError(
        "ENGINE_START_FAILED",
        `the grader image wrote no report (exit ${String(status)}): ${tail.trim().split("\n").slice(-3).join(" | ")}`,
      );
    const parsed: unknown = JSON.parse(text);
    const valid = validateReport(parsed);
    if (!valid.ok)
      throw new GraderError(
        "TOOL_OUTPUT",
        `the grader image's report does not meet its schema: ${valid.errors.join("; ")}`,
      );
    return valid.report;
  } catch (error) {
    return errorReport({ id, title: id }, error, startedAt, started, "");
  } finally {
    await dispose();
  }
}
