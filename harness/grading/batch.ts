import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import { validateReport } from "../report/report-schema.ts";
import { graderFingerprint } from "./grader-fingerprint.ts";
import { hashTree } from "./content-hash.ts";
import type { GradeReport } from "./grade-report.ts";
import { gradeExercise, writeReport } from "./run-grading.ts";
import { inShard, type Shard } from "./shard.ts";
import type { EndpointPool } from "../farm/endpoint-pool.ts";
import { gradeOnFarm } from "../farm/farm-grading.ts";

export interface BatchEntry {
  readonly learner: string;
  readonly report: GradeReport;
  /** The report of an earlier run was kept: same submission content, same grader. */
  readonly reused: boolean;
}

/** What a report was made from: a report is reused only when all three are the same. */
export interface GradeKey {
  readonly exercise: string;
  readonly submission: string;
  readonly grader: string;
}

export const KEY_FILE = "grade-key.json";

export interface BatchOptions {
  readonly jobs: number;
  /** Grade only this slice of the class (see shard.ts). */
  readonly shard?: Shard | undefined;
  /**
   * Where each learner's report goes (`<out>/<learner>/<exercise>.json`) as soon as it is made,
   * with its key: a re-run keeps what it can reuse, so an interrupted shard resumes.
   */
  readonly out?: string | undefined;
  readonly onDone?: (entry: BatchEntry, done: number, total: number) => void;
  /** A farm of BuildKit endpoints to spread the gradings over (`jobs` is then the farm's capacity). */
  readonly farm?: EndpointPool | undefined;
}

/**
 * Grades many learners' submissions of one exercise: every folder under `root` is one learner's
 * submission. Each gets its own builder; `jobs` run at once (each build is CPU-heavy).
 */
export async function gradeBatch(
  exercise: string,
  root: string,
  options: BatchOptions,
): Promise<BatchEntry[]> {
  const learners = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && !d.name.startsWith("."))
    .map((d) => d.name)
    .filter((learner) => !options.shard || inShard(learner, options.shard))
    .sort();
  const grader = await graderFingerprint(exercise);
  const farm = options.farm;
  const limit = pLimit(Math.max(1, farm ? farm.capacity : options.jobs));
  let done = 0;
  return Promise.all(
    learners.map((learner) =>
      limit(async () => {
        const dir = join(root, learner);
        const key = await gradeKey(exercise, dir, grader);
        const kept = options.out ? await reusable(join(options.out, learner), key) : undefined;
        const report =
          kept ??
          (farm
            ? await gradeOnFarm(farm, exercise, dir)
            : await gradeExercise(exercise, { submission: dir, force: true }));
        if (options.out && !kept) {
          const place = join(options.out, learner);
          await writeReport(report, place);
          // An error is the machine's, not the learner's: it is graded again next time.
          if (report.status !== "error") await writeFile(join(place, KEY_FILE), `${JSON.stringify(key)}\n`);
        }
        const entry = { learner, report, reused: kept !== undefined };
        options.onDone?.(entry, ++done, learners.length);
        return entry;
      }),
    ),
  );
}

/** What a learner's report is made from; `grader` defaults to the grader's current hash. */
export async function gradeKey(exercise: string, dir: string, grader?: string): Promise<GradeKey> {
  return { exercise, submission: await hashTree(dir), grader: grader ?? (await graderFingerprint(exercise)) };
}

async function reusable(place: string, key: GradeKey): Promise<GradeReport | undefined> {
  try {
    const stored = JSON.parse(await readFile(join(place, KEY_FILE), "utf8")) as Partial<GradeKey>;
    if (
      stored.exercise !== key.exercise ||
      stored.submission !== key.submission ||
      stored.grader !== key.grader
    )
      return undefined;
    const checked = validateReport(JSON.parse(await readFile(join(place, `${key.exercise}.json`), "utf8")));
    return checked.ok && checked.report.status !== "error" ? checked.report : undefined;
  } catch {
    return undefined;
  }
}

/** A class list: one line per learner, for the instructor's terminal and a Markdown file. */
export function renderBatchTable(entries: readonly { learner: string; report: GradeReport }[]): string {
  const lines = ["| learner | status | score | failed checks |", "| --- | --- | --- | --- |"];
  for (const { learner, report } of entries) {
    const failed = report.checks.filter((c) => c.status !== "passed").map((c) => c.id);
    lines.push(
      `| ${learner} | ${report.status} | ${report.status === "error" ? "-" : `${report.score}/${report.maxScore}`} | ${report.error ? `${report.error.code}: ${report.error.message}` : failed.join(", ")} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
