/**
 * Benchmark for exercise 02, in one run: the two-platform build cross-compiled (the reference)
 * vs emulated (the `emulated-compile` fixture), each graded end to end on a fresh builder, and
 * the grading time against the raw `docker buildx build --push` of the same Dockerfile.
 *   npm run bench:multi [-- --rounds N] [-- --reference-only]
 * Rounds alternate raw and graded builds so drift hits both; medians are reported.
 */
import { parseArgs } from "node:util";
import { Buildx } from "../buildx/buildx.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { detectMirror } from "../engine/base-image-mirror.ts";
import { loadExercise } from "../grading/exercise.ts";
import { listWrongFixtures } from "../grading/fixtures.ts";
import { gradeFixture } from "../grading/testing/grade-fixture.ts";
import { formatDuration } from "../report/format.ts";
import { median, roundsArg } from "./figures.ts";
import { fullProject } from "./full-project.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "1" },
    "reference-only": { type: "boolean", default: false },
  },
});
const rounds = roundsArg(values.rounds);
const exercise = await loadExercise("02-multi-platform");
const mirror = await detectMirror();
const emulated = (await listWrongFixtures(exercise)).find((f) => f.name === "emulated-compile");

/** The raw build alone, and with the same engine set-up and teardown the grading includes. */
async function rawBuild(fixtureDir?: string): Promise<{ build: number; total: number }> {
  const project = await fullProject(exercise, fixtureDir);
  const t0 = performance.now();
  // The run's own registry, as the grader pushes to: the engine reaches it from its namespace.
  const env = await openEnvironment({ mirror });
  let build: number;
  try {
    const t = performance.now();
    await new Buildx(env).buildx(
      [
        "build",
        "--network",
        "none",
        "--platform",
        exercise.platforms.join(","),
        "--provenance=mode=min",
        "--push",
        "-t",
        `${env.registry.host}/raw:1`,
        project.dir,
      ],
      { timeoutMs: 1_200_000 },
    );
    build = performance.now() - t;
  } finally {
    await env.dispose();
    await project.dispose();
  }
  return { build, total: performance.now() - t0 };
}

const variants = [
  ["cross-compiled (reference)", undefined],
  ["emulated (emulated-compile)", emulated],
] as const;
for (const [label, fixture] of values["reference-only"] ? variants.slice(0, 1) : variants) {
  const raws: { build: number; total: number }[] = [];
  const grades: number[] = [];
  const builds: number[] = [];
  let last: Awaited<ReturnType<typeof gradeFixture>> | undefined;
  for (let i = 0; i < rounds; i++) {
    raws.push(await rawBuild(fixture?.dir));
    const t = performance.now();
    last = await gradeFixture(exercise, fixture);
    grades.push(performance.now() - t);
    builds.push(Number(last.measurements["build.durationMs"]));
  }
  const raw = { build: median(raws.map((r) => r.build)), total: median(raws.map((r) => r.total)) };
  const grade = median(grades);
  console.log(`${label}${rounds > 1 ? `, median of ${rounds}` : ""}:`);
  console.log(
    `  raw docker buildx build --platform ${exercise.platforms.join(",")} --push: ${formatDuration(raw.build)}; with the same engine set-up and teardown: ${formatDuration(raw.total)}`,
  );
  console.log(
    `  grading: ${formatDuration(grade)} (its build ${formatDuration(median(builds))}, emulated compile ${formatDuration(Number(last?.measurements["compile.emulatedMs"]))}); score ${last?.score ?? 0}/${last?.maxScore ?? 0}; grade/raw ${(grade / raw.build).toFixed(2)}, incl. the engine ${(grade / raw.total).toFixed(2)}`,
  );
}
