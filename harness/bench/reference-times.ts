// Grades each exercise's reference solution N times (default 2) and prints the median grading
// time per exercise as JSON: run it on two checkouts (e.g. before and after a change to the
// sandbox) to compare what grading costs. Usage: npm run bench:reference -- [N] [exercise...]
import { listExercises } from "../grading/exercise.ts";
import { gradeFixture } from "../grading/testing/grade-fixture.ts";

const [countText, ...only] = process.argv.slice(2);
const count = Number(countText ?? 2) || 2;
const results: Record<string, { medianMs: number; runsMs: number[]; score: string }> = {};
for (const exercise of await listExercises()) {
  if (only.length > 0 && !only.includes(exercise.id)) continue;
  const runs: number[] = [];
  let score = "";
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const report = await gradeFixture(exercise);
    runs.push(Math.round(performance.now() - started));
    score = `${report.score}/${report.maxScore}`;
    process.stderr.write(`${exercise.id} run ${i + 1}: ${runs.at(-1) ?? 0} ms, ${score}\n`);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  results[exercise.id] = { medianMs: sorted[Math.floor(sorted.length / 2)] ?? 0, runsMs: runs, score };
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
