/**
 * Benchmark: exercise 03's grader against the raw tool on the same work, in the same run.
 *   npm run bench:secrets [-- --rounds N]
 * Harness: `grade` of the reference solution, end to end (its private npm registry, the bake
 * file read, the build, the pushed image's checks and the leak search).
 * Raw: what CI does by hand: the same private registry, the .npmrc it writes, and one
 * `docker buildx build` with the secret the bake file names, pushed with a mode=max registry
 * cache and max-mode provenance, as the grader builds it.
 * Rounds alternate harness and raw so drift hits both; medians are reported.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Buildx } from "../buildx/buildx.ts";
import { detectMirror } from "../engine/base-image-mirror.ts";
import { loadExercise } from "../grading/exercise.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { scopedNpmrc, startPrivateNpmRegistry } from "../run/private-npm-registry.ts";
import { median, roundsArg, seconds as s } from "./figures.ts";
import { fullProject } from "./full-project.ts";
import { proxyBuildArgs } from "../buildx/proxy-build-args.ts";
import { timedGrading } from "./timed-grading.ts";
import { openRawEnvironment, useBuiltInFrontend } from "./raw-baseline.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const rounds = roundsArg(values.rounds);
const mirror = await detectMirror();
const exercise = await loadExercise("03-build-secrets");

interface RawRound {
  readonly build: number;
  readonly total: number;
}

async function rawRound(): Promise<RawRound> {
  const project = await fullProject(exercise);
  try {
    const dir = project.dir;
    await useBuiltInFrontend(dir);
    const t0 = performance.now();
    const env = await openRawEnvironment(exercise, mirror);
    let build = 0;
    try {
      const registry = await startPrivateNpmRegistry([join(exercise.dir, "course-greeting-1.0.0.tgz")], env);
      try {
        // What the exercise's CI writes before building: the bake file hands it over as `npmrc`.
        await writeFile(join(dir, ".npmrc"), scopedNpmrc(registry, "@course"), { mode: 0o600 });
        const tb = performance.now();
        const built = await new Buildx(env).buildx(
          [
            "build",
            "--progress=plain",
            "--network",
            "host",
            ...proxyBuildArgs(env),
            "--secret",
            "id=npmrc,src=.npmrc",
            "--provenance=mode=max",
            "--cache-to",
            `type=registry,ref=${env.registry.host}/raw:cache,mode=max`,
            "--push",
            "-t",
            `${env.registry.host}/raw:1`,
            ".",
          ],
          { cwd: dir, timeoutMs: 600_000, reject: false },
        );
        if (built.exitCode !== 0) throw new Error(`raw build failed: ${built.stderr.slice(-400)}`);
        if ((await registry.authenticatedDownloads()) === 0)
          throw new Error("the raw build never fetched the private package with the token");
        build = performance.now() - tb;
      } finally {
        await registry.dispose();
      }
    } finally {
      await env.dispose();
    }
    return { build, total: performance.now() - t0 };
  } finally {
    await project.dispose();
  }
}

const graded: number[] = [];
const raw: RawRound[] = [];
let reference: GradeReport | undefined;
for (let i = 0; i < rounds; i++) {
  const round = await timedGrading(exercise);
  if (round.report.status !== "passed") throw new Error(`reference did not pass: ${round.report.status}`);
  graded.push(round.ms);
  reference = round.report;
  const r = await rawRound();
  raw.push(r);
  console.log(
    `round ${i + 1}: grade ${s(round.ms)}; raw build ${s(r.build)}, with the engine and registry ${s(r.total)}`,
  );
}
const g = median(graded);
const rb = median(raw.map((r) => r.build));
const rt = median(raw.map((r) => r.total));
const m = (key: string): string => String(reference?.measurements[key] ?? "?");
console.log(`\nexercise 03 reference, median of ${rounds}:`);
console.log(`  grade (registry, bake read, build, image checks, leak search):  ${s(g)}`);
console.log(
  `  raw docker buildx build --secret (+push, cache, provenance):    ${s(rb)}   ratio ${(g / rb).toFixed(2)}`,
);
console.log(
  `  raw incl. the same engine and private registry:                 ${s(rt)}   ratio ${(g / rt).toFixed(2)}`,
);
console.log(
  `  inside the grading: leak search decoded ${m("leaks.decodedBytes")} bytes, ${m("leaks.baseLayersSkipped")} base layers left closed`,
);
