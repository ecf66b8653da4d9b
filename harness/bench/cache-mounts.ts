/**
 * Benchmark: the grader against the raw tool on the same work, in the same run.
 *   npm run bench [-- --rounds N]
 * 1. builder lifecycle: create + remove of one isolated builder (the driver `auto` picks);
 * 2. exercise 01's reference solution: `grade` end to end vs the same three builds done with
 *    plain `docker buildx build` on a fresh builder (same flags, same edits, last one pushed).
 * Rounds alternate harness and raw so drift hits both; medians are reported.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Buildx } from "../buildx/buildx.ts";
import { fullProject } from "./full-project.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { detectMirror } from "../engine/base-image-mirror.ts";
import { proxyBuildArgs } from "../buildx/proxy-build-args.ts";
import { loadExercise } from "../grading/exercise.ts";
import { composeSubmission } from "../grading/fixtures.ts";
import { gradeExercise } from "../grading/run-grading.ts";
import { median, roundsArg, seconds } from "./figures.ts";
import { openRawEnvironment, useBuiltInFrontend } from "./raw-baseline.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const rounds = roundsArg(values.rounds);
const s = (ms: number): string => seconds(ms, 2);
const mirror = await detectMirror();
const exercise = await loadExercise("01-cache-mounts");

async function lifecycle(): Promise<{ create: number; remove: number; driver: string }> {
  const t0 = performance.now();
  const env = await openEnvironment({ mirror });
  const t1 = performance.now();
  await env.dispose();
  return { create: t1 - t0, remove: performance.now() - t1, driver: env.driver };
}

async function harnessRound(): Promise<number> {
  const submission = await composeSubmission(exercise);
  try {
    const t0 = performance.now();
    const report = await gradeExercise(exercise.id, { submission: submission.dir, force: true });
    if (report.status !== "passed") throw new Error(`reference did not pass: ${report.status}`);
    return performance.now() - t0;
  } finally {
    await submission.dispose();
  }
}

/** The same three builds by hand: what an instructor would otherwise type. */
async function rawRound(): Promise<{ total: number; builds: number }> {
  const project = await fullProject(exercise);
  const dir = project.dir;
  await useBuiltInFrontend(dir);
  const t0 = performance.now();
  // The push goes to the run's own registry, which the engine reaches from its namespace.
  const env = await openRawEnvironment(exercise, mirror);
  const buildx = new Buildx(env);
  let builds = 0;
  try {
    const proxyArgs = proxyBuildArgs(env);
    const build = async (extra: string[]): Promise<void> => {
      const t = performance.now();
      await buildx.buildx(
        ["build", "--network", "host", "--progress=plain", "--provenance=false", ...proxyArgs, ...extra, dir],
        { timeoutMs: 600_000 },
      );
      builds += performance.now() - t;
    };
    await build([]);
    const server = join(dir, "src/server.ts");
    await writeFile(server, `${await readFile(server, "utf8")}\nexport const bench = 1;\n`);
    await build([]);
    for (const f of ["package.json", "package-lock.json"]) {
      const p = join(dir, f);
      await writeFile(p, (await readFile(p, "utf8")).replace('"version": "1.0.0"', '"version": "1.0.1"'));
    }
    await build(["--push", "-t", `${env.registry.host}/raw:1`]);
  } finally {
    await env.dispose();
    await project.dispose();
  }
  return { total: performance.now() - t0, builds };
}

const life = [];
for (let i = 0; i < rounds; i++) life.push(await lifecycle());
console.log(
  `builder lifecycle (${life[0]?.driver}): create ${s(median(life.map((l) => l.create)))}, remove ${s(median(life.map((l) => l.remove)))} (median of ${rounds})`,
);

const harness: number[] = [];
const raw: { total: number; builds: number }[] = [];
for (let i = 0; i < rounds; i++) {
  harness.push(await harnessRound());
  raw.push(await rawRound());
  console.log(
    `round ${i + 1}: grade ${s(harness.at(-1) ?? 0)}, raw builds ${s(raw.at(-1)?.builds ?? 0)}, raw builds + builder lifecycle ${s(raw.at(-1)?.total ?? 0)}`,
  );
}
const h = median(harness);
const rb = median(raw.map((r) => r.builds));
const rt = median(raw.map((r) => r.total));
console.log(`\nexercise 01 reference, median of ${rounds}:`);
console.log(`  grade (3 builds, du, push, layer scan, checks, cleanup): ${s(h)}`);
console.log(
  `  raw docker buildx build x3 (+push):                    ${s(rb)}   ratio ${(h / rb).toFixed(2)}`,
);
console.log(
  `  raw incl. the same fresh builder + registry lifecycle:  ${s(rt)}   ratio ${(h / rt).toFixed(2)}`,
);
