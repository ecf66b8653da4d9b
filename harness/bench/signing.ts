/**
 * Benchmark: exercise 06's grader against the raw tools on the same work, in the same run.
 *   npm run bench:sign [-- --rounds N]
 * Harness: `grade` of the reference solution, end to end.
 * Raw: what a maintainer would type to do the same release by hand: `docker buildx build` for
 * both platforms with --push, then cosign sign, attest, verify and verify-attestation on the
 * pushed digest, with a key pair made for the round.
 * Rounds alternate harness and raw so drift hits both; medians are reported.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Buildx } from "../buildx/buildx.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { detectMirror } from "../engine/base-image-mirror.ts";
import { loadExercise } from "../grading/exercise.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { readPushedImage } from "../grading/kit/pushed-image.ts";
import { Cosign } from "../sign/cosign.ts";
import { median, roundsArg, seconds as s } from "./figures.ts";
import { fullProject } from "./full-project.ts";
import { timedGrading } from "./timed-grading.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "1" } } });
const rounds = roundsArg(values.rounds);
const mirror = await detectMirror();
const exercise = await loadExercise("06-sign-verify");

/** The raw round: build and push time, cosign time, and everything including the engine. */
async function rawRound(): Promise<{ build: number; cosign: number; total: number }> {
  const project = await fullProject(exercise);
  const keysDir = await mkdtemp(join(tmpdir(), "bench-sign-"));
  const t0 = performance.now();
  const env = await openEnvironment({ mirror });
  try {
    const tag = `${env.registry.host}/course/beacon:release`;
    const tb = performance.now();
    const built = await new Buildx(env).buildx(
      [
        "build",
        "--progress=plain",
        // As the grader builds it: exercise 06 declares no network for RUN steps.
        "--network",
        "none",
        "--platform",
        exercise.platforms.join(","),
        "--provenance=mode=min",
        "--push",
        "-t",
        tag,
        project.dir,
      ],
      { timeoutMs: 900_000, reject: false },
    );
    if (built.exitCode !== 0) throw new Error(`raw build failed: ${built.stderr.slice(-400)}`);
    const build = performance.now() - tb;
    const tc = performance.now();
    const cosign = new Cosign(keysDir);
    const keys = await cosign.generateKeyPair(keysDir, "bench");
    const ref = `${env.registry.host}/course/beacon@${(await readPushedImage(tag)).read.digest}`;
    await cosign.sign(ref, keys);
    await cosign.attest(ref, keys, join(project.dir, "sbom.spdx.json"), "spdxjson");
    if (!(await cosign.verify(ref, keys.publicKey)).ok) throw new Error("raw verify failed");
    if (!(await cosign.verifyAttestation(ref, keys.publicKey, "spdxjson")).ok)
      throw new Error("raw verify-attestation failed");
    return { build, cosign: performance.now() - tc, total: performance.now() - t0 };
  } finally {
    await env.dispose();
    await project.dispose();
    await rm(keysDir, { recursive: true, force: true });
  }
}

const graded: number[] = [];
const raw: { build: number; cosign: number; total: number }[] = [];
let reference: GradeReport | undefined;
for (let i = 0; i < rounds; i++) {
  const ref = await timedGrading(exercise);
  if (ref.report.status !== "passed") throw new Error(`reference did not pass: ${ref.report.status}`);
  graded.push(ref.ms);
  reference = ref.report;
  const r = await rawRound();
  raw.push(r);
  console.log(
    `round ${i + 1}: grade ${s(ref.ms)}; raw build+push ${s(r.build)}, cosign ${s(r.cosign)}, with the engine ${s(r.total)}`,
  );
}
const g = median(graded);
const rawWork = median(raw.map((r) => r.build + r.cosign));
const rawTotal = median(raw.map((r) => r.total));
const m = (key: string): number => Number(reference?.measurements[key] ?? NaN);
console.log(`\nexercise 06 reference, median of ${rounds}:`);
console.log(`  grade (static, build+push, runner image, 2 script runs, 2 tag moves, cosign checks): ${s(g)}`);
console.log(
  `  raw build+push and 4 cosign calls:                ${s(rawWork)}   ratio ${(g / rawWork).toFixed(2)}`,
);
console.log(
  `  raw including the same engine and registry:       ${s(rawTotal)}   ratio ${(g / rawTotal).toFixed(2)}`,
);
console.log(
  `  inside the grading: build+push ${s(m("image.durationMs"))}, first release.sh run ${s(m("release.durationMs"))}; raw cosign calls ${s(median(raw.map((r) => r.cosign)))}`,
);
