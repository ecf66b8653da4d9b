/**
 * Benchmark: a whole class on this machine, then the same class as shards merged.
 *   npm run bench:class [-- --exercise 06-sign-verify --size 50 --jobs 2 --shards 4]
 * The class is generated: learner-01..N cycle through the reference solution and the exercise's
 * known-wrong and tricky-correct fixtures. Figures: one grading alone, the batch's wall time
 * against N x that / jobs, p50/p95 per learner, the machine's peak memory in use; then N shard
 * processes (`grade --batch --shard K/N`, one after the other, each with --jobs) merged with
 * `grade merge`, whose results must equal the single run's learner by learner.
 */
import { cp, mkdir, mkdtemp, rm } from "node:fs/promises";
import { freemem, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { baseEnv, exec } from "../exec/exec.ts";
import { gradeBatch } from "../grading/batch.ts";
import { readClassResults } from "../grading/class-results.ts";
import { loadExercise, REPO_ROOT } from "../grading/exercise.ts";
import { listCorrectFixtures, listWrongFixtures } from "../grading/fixtures.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { seconds as s } from "./figures.ts";
import { timedGrading } from "./timed-grading.ts";

const { values } = parseArgs({
  options: {
    exercise: { type: "string", default: "06-sign-verify" },
    size: { type: "string", default: "50" },
    jobs: { type: "string", default: "2" },
    shards: { type: "string", default: "4" },
  },
});
const size = Number(values.size);
const jobs = Number(values.jobs);
const shards = Number(values.shards);
const exercise = await loadExercise(values.exercise);

const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Samples the memory in use on the machine (engines included) until stopped. */
function memoryPeak(): { stop: () => number } {
  let peak = totalmem() - freemem();
  const timer = setInterval(() => {
    peak = Math.max(peak, totalmem() - freemem());
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

const summary = (report: GradeReport) =>
  JSON.stringify([report.status, report.score, report.checks.map((c) => `${c.id}:${c.points}`)]);

const root = await mkdtemp(join(tmpdir(), "bench-class-"));
try {
  const kinds = [undefined, ...(await listWrongFixtures(exercise)), ...(await listCorrectFixtures(exercise))];
  const classDir = join(root, "class");
  for (let i = 0; i < size; i++) {
    const dir = join(classDir, `learner-${String(i + 1).padStart(2, "0")}`);
    await mkdir(dir, { recursive: true });
    await cp(join(exercise.dir, "solution"), dir, { recursive: true });
    const fixture = kinds[i % kinds.length];
    if (fixture)
      await cp(fixture.dir, dir, {
        recursive: true,
        force: true,
        filter: (src) => !src.endsWith("expected.json"),
      });
  }
  const one = await timedGrading(exercise);
  console.log(`one grading of the reference alone: ${s(one.ms)}`);

  const baseline = (totalmem() - freemem()) / 2 ** 30;
  const memory = memoryPeak();
  const t0 = performance.now();
  const entries = await gradeBatch(exercise.id, classDir, {
    jobs,
    out: join(root, "single"),
    onDone: (e, done, total) => {
      process.stderr.write(`[${done}/${total}] ${e.learner}: ${e.report.status}\n`);
    },
  });
  const wall = performance.now() - t0;
  const peak = memory.stop() / 2 ** 30;
  const each = entries.map((e) => e.report.durationMs).sort((a, b) => a - b);
  const ideal = (size * one.ms) / jobs;
  console.log(`\n${exercise.id}, a class of ${size} (${kinds.length} kinds of submission), --jobs ${jobs}:`);
  console.log(
    `  wall ${s(wall)}; ${size} x one grading / jobs = ${s(ideal)}; ratio ${(wall / ideal).toFixed(2)}`,
  );
  console.log(`  per learner p50 ${s(percentile(each, 50))}, p95 ${s(percentile(each, 95))}`);
  console.log(`  memory in use: ${baseline.toFixed(1)} GiB before, peak ${peak.toFixed(1)} GiB`);
  console.log(
    `  statuses: ${[...new Set(entries.map((e) => e.report.status))].map((st) => `${st} ${entries.filter((e) => e.report.status === st).length}`).join(", ")}`,
  );

  const ts = performance.now();
  const outs: string[] = [];
  for (let k = 1; k <= shards; k++) {
    const out = join(root, `shard-${k}`);
    outs.push(out);
    const run = await exec(
      process.execPath,
      [
        join(REPO_ROOT, "bin/grade.js"),
        exercise.id,
        "--batch",
        classDir,
        "--shard",
        `${k}/${shards}`,
        "--jobs",
        String(jobs),
        "--out",
        out,
      ],
      // A shard with failed learners exits 1: only a crash (above 2) is the bench's failure.
      { cwd: REPO_ROOT, env: baseEnv(), timeoutMs: 6 * 3600_000, reject: false },
    );
    if (run.exitCode === undefined || run.exitCode > 2)
      throw new Error(`shard ${k} failed: ${run.stderr.slice(-400)}`);
  }
  const merged = await exec(
    process.execPath,
    [join(REPO_ROOT, "bin/grade.js"), "merge", ...outs, "--out", join(root, "merged")],
    { cwd: REPO_ROOT, env: baseEnv(), timeoutMs: 600_000, reject: false },
  );
  const results = await readClassResults(outs);
  const single = new Map(entries.map((e) => [e.learner, summary(e.report)]));
  const differ = results.entries
    .filter((e) => single.get(e.learner) !== summary(e.report))
    .map((e) => e.learner);
  console.log(
    `\n  ${shards} shards one after the other: ${s(performance.now() - ts)}; merge exit ${String(merged.exitCode)}; ${results.entries.length} learners, ${results.problems.length} merge problems, ${differ.length} differ from the single run${differ.length ? ` (${differ.join(", ")})` : ""}`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
