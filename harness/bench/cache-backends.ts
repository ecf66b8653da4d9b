/**
 * Benchmark: exercise 04's grader against the raw tool on the same work, in the same run.
 *   npm run bench:bake [-- --rounds N]
 * Harness: `grade` of the reference solution and of the min-mode fixture, end to end.
 * Raw: the builds the grader runs, typed by hand with `docker buildx build` (bake 0.13 cannot
 * give RUN steps the run's network, so each phase starts the two targets side by side as one
 * bake call would): a cold build exporting mode=max caches, the same on a new builder importing
 * them, then an api edit on a third new builder beside the same edit on the first one.
 * Rounds alternate harness and raw so drift hits both; medians are reported.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { BuildEnvironment } from "../engine/build-environment.ts";
import { Buildx } from "../buildx/buildx.ts";
import { detectMirror } from "../engine/base-image-mirror.ts";
import { proxyBuildArgs } from "../buildx/proxy-build-args.ts";
import { loadExercise } from "../grading/exercise.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { fullProject } from "./full-project.ts";
import { timedGrading } from "./timed-grading.ts";
import { median, roundsArg, seconds } from "./figures.ts";
import { openRawEnvironment } from "./raw-baseline.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "1" } } });
const rounds = roundsArg(values.rounds);
const s = (ms: number): string => seconds(ms, 1);
const mirror = await detectMirror();
const exercise = await loadExercise("04-cache-backends");
const SERVICES = ["api", "worker"] as const;

const gradeWith = (fixture?: string) =>
  timedGrading(exercise, fixture ? join(exercise.dir, fixture) : undefined);

/** The raw builds: returns the time spent building and the time including builder set-up. */
async function rawRound(): Promise<{ builds: number; total: number }> {
  const project = await fullProject(exercise);
  const t0 = performance.now();
  const first = await openRawEnvironment(exercise, mirror);
  let builds = 0;
  try {
    const registry = `${first.registry.host}/shop`;
    const build = (env: BuildEnvironment, service: string, cache: { from: boolean; to: boolean }) => {
      const ref = `${registry}/${service}:buildcache`;
      return new Buildx(env).buildx(
        [
          "build",
          "--network",
          "host",
          "--progress=plain",
          "--provenance=false",
          ...proxyBuildArgs(env),
          "--push",
          "-t",
          `${registry}/${service}:dev`,
          ...(cache.from ? ["--cache-from", `type=registry,ref=${ref}`] : []),
          ...(cache.to ? ["--cache-to", `type=registry,ref=${ref},mode=max`] : []),
          join(project.dir, service),
        ],
        { timeoutMs: 900_000 },
      );
    };
    const phase = async (work: () => Promise<unknown>): Promise<void> => {
      const t = performance.now();
      await work();
      builds += performance.now() - t;
    };
    const fresh = async (): Promise<BuildEnvironment> => {
      if (!first.freshBuilder) throw new Error(`${first.driver} makes no fresh builders`);
      return first.freshBuilder();
    };
    await phase(() => Promise.all(SERVICES.map((sv) => build(first, sv, { from: true, to: true }))));
    const runner = await fresh();
    await phase(() => Promise.all(SERVICES.map((sv) => build(runner, sv, { from: true, to: true }))));
    await runner.dispose();
    const server = join(project.dir, "api/src/server.ts");
    await writeFile(server, `${await readFile(server, "utf8")}\n// bench\n`);
    const third = await fresh();
    await phase(() =>
      Promise.all([
        ...SERVICES.map((sv) => build(third, sv, { from: true, to: false })),
        build(first, "api", { from: false, to: false }),
      ]),
    );
    await third.dispose();
  } finally {
    await first.dispose();
    await project.dispose();
  }
  return { builds, total: performance.now() - t0 };
}

const m = (r: GradeReport, key: string): number => Number(r.measurements[key] ?? NaN);
const graded: number[] = [];
const raw: { builds: number; total: number }[] = [];
let reference: GradeReport | undefined;
let minMode: GradeReport | undefined;
for (let i = 0; i < rounds; i++) {
  const ref = await gradeWith();
  if (ref.report.status !== "passed") throw new Error(`reference did not pass: ${ref.report.status}`);
  graded.push(ref.ms);
  reference = ref.report;
  raw.push(await rawRound());
  minMode = (await gradeWith("wrong/min-mode")).report;
  console.log(
    `round ${i + 1}: grade ${s(ref.ms)}, raw builds ${s(raw.at(-1)?.builds ?? 0)}, raw + builders ${s(raw.at(-1)?.total ?? 0)}`,
  );
}
const g = median(graded);
const rb = median(raw.map((r) => r.builds));
const rt = median(raw.map((r) => r.total));
console.log(`\nexercise 04 reference, median of ${rounds}:`);
console.log(`  grade (static, 3 builders, 7 builds, cache sizes, checks, cleanup): ${s(g)}`);
console.log(
  `  raw docker buildx build, same 7 builds in 3 phases:               ${s(rb)}   ratio ${(g / rb).toFixed(2)}`,
);
console.log(
  `  raw incl. the same builders, registry and proxy:                  ${s(rt)}   ratio ${(g / rt).toFixed(2)}`,
);
for (const [name, r] of [
  ["reference (mode=max)", reference],
  ["min-mode fixture", minMode],
] as const) {
  if (!r) continue;
  for (const sv of SERVICES) {
    const cold = m(r, `cold.${sv}.durationMs`);
    const fresh = m(r, `fresh-runner.${sv}.durationMs`);
    const change = m(r, `source-change.${sv}.durationMs`);
    console.log(
      `  ${name}, ${sv}: cold ${s(cold)}, new runner ${s(fresh)} (x${(cold / fresh).toFixed(1)} faster), after the api edit ${s(change)} (x${(cold / change).toFixed(1)}), steps cached after the edit ${String(r.measurements[`source-change.${sv}.cachedSteps`])}`,
    );
  }
}
