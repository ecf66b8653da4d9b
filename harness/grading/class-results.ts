import { readdir, readFile, writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { renderClassCsv } from "../report/class-csv.ts";
import { renderClassHtml } from "../report/html-report.ts";
import { renderJunit } from "../report/junit-report.ts";
import { validateReport } from "../report/report-schema.ts";
import { errorMessage } from "../errors.ts";
import { KEY_FILE, renderBatchTable } from "./batch.ts";
import type { GradeReport } from "./grade-report.ts";

export interface ClassEntry {
  readonly learner: string;
  readonly report: GradeReport;
}

export interface ClassResults {
  readonly exercise: string | undefined;
  readonly entries: readonly ClassEntry[];
  /** What could not be merged, in words: a report that is not valid, a learner in two shards... */
  readonly problems: readonly string[];
}

/**
 * Reads the output folders of several shards (`<dir>/<learner>/<exercise>.json`) into one class:
 * every report validated against the schema, each learner once, one exercise.
 */
export async function readClassResults(dirs: readonly string[]): Promise<ClassResults> {
  const seen = new Map<string, string>();
  const entries: ClassEntry[] = [];
  const problems: string[] = [];
  let exercise: string | undefined;
  for (const dir of dirs) {
    let learners: string[];
    try {
      learners = (await readdir(dir, { withFileTypes: true }))
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch (error) {
      problems.push(`${dir}: ${errorMessage(error)}`);
      continue;
    }
    for (const learner of learners.sort()) {
      const files = (await readdir(join(dir, learner))).filter((f) => f.endsWith(".json") && f !== KEY_FILE);
      if (files.length !== 1 || files[0] === undefined) {
        problems.push(`${join(dir, learner)}: expected one report, found ${files.length}`);
        continue;
      }
      const where = join(dir, learner, files[0]);
      let checked;
      try {
        checked = validateReport(JSON.parse(await readFile(where, "utf8")));
      } catch (error) {
        problems.push(`${where}: ${errorMessage(error)}`);
        continue;
      }
      if (!checked.ok) {
        problems.push(`${where}: not a grade report (${checked.errors.slice(0, 3).join("; ")})`);
        continue;
      }
      const before = seen.get(learner);
      if (before !== undefined) {
        problems.push(`${learner} is in ${before} and in ${dir}: shards must not overlap`);
        continue;
      }
      exercise ??= checked.report.exercise;
      if (checked.report.exercise !== exercise) {
        problems.push(`${where} grades ${checked.report.exercise}, not ${exercise}`);
        continue;
      }
      seen.set(learner, dir);
      entries.push({ learner, report: checked.report });
    }
  }
  entries.sort((a, b) => (a.learner < b.learner ? -1 : a.learner > b.learner ? 1 : 0));
  return { exercise, entries, problems };
}

/** The class views: Markdown table, CSV for gradebooks, JUnit and the HTML class page. */
export async function writeClassOutputs(
  out: string,
  exercise: string,
  entries: readonly ClassEntry[],
): Promise<string> {
  await mkdir(out, { recursive: true });
  const table = renderBatchTable(entries);
  await writeFile(join(out, `${exercise}-class.md`), table);
  await writeFile(join(out, `${exercise}-class.csv`), renderClassCsv(entries));
  await writeFile(join(out, "index.html"), renderClassHtml(exercise, entries));
  await writeFile(
    join(out, "junit.xml"),
    renderJunit(entries.map((e) => ({ ...e.report, title: `${e.learner}: ${e.report.title}` }))),
  );
  return table;
}
