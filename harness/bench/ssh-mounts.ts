/**
 * Benchmark: exercise 05's grader against the raw tool on the same work, in the same run.
 *   npm run bench:ssh [-- --rounds N]
 * Harness: `grade` of the reference solution, end to end.
 * Raw: the four builds the grader runs, typed by hand with `docker buildx build` against the
 * same kind of Git server and agent: another host key pinned, no agent, the graded build
 * (pushed, provenance and a mode=max cache), and one with a failing test added.
 * Rounds alternate harness and raw so drift hits both; medians are reported.
 */
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Buildx } from "../buildx/buildx.ts";
import { openEnvironment } from "../engine/open-environment.ts";
import { detectMirror } from "../engine/base-image-mirror.ts";
import { loadExercise } from "../grading/exercise.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { startSshGitServer } from "../run/ssh-git-server.ts";
import { timedGrading } from "./timed-grading.ts";
import { median, roundsArg, seconds as s } from "./figures.ts";
import { fullProject } from "./full-project.ts";

const { values } = parseArgs({ options: { rounds: { type: "string", default: "1" } } });
const rounds = roundsArg(values.rounds);
const mirror = await detectMirror();
const exercise = await loadExercise("05-ssh-heredocs-mounts");

/** The raw builds: the time spent building, and the time including the engine and the Git server. */
async function rawRound(): Promise<{ builds: number; total: number }> {
  const project = await fullProject(exercise);
  const moduleDir = join(exercise.dir, "private-module");
  const files = Object.fromEntries(
    await Promise.all(
      (await readdir(moduleDir)).map(async (n) => [n, await readFile(join(moduleDir, n), "utf8")] as const),
    ),
  );
  const t0 = performance.now();
  const env = await openEnvironment({ mirror });
  const server = await startSshGitServer([{ name: "greeting", files, tags: ["v1.0.0"] }], env);
  let builds = 0;
  try {
    const base = server.url("greeting").slice(0, -"greeting.git".length);
    await writeFile(join(project.dir, "deploy_key"), server.clientPrivateKey, { mode: 0o600 });
    const build = async (args: readonly string[]) => {
      const t = performance.now();
      await new Buildx(env).buildx(
        [
          "build",
          "--network",
          "host",
          "--progress=plain",
          "--build-arg",
          `GIT_SERVER=${base}`,
          ...args,
          project.dir,
        ],
        { timeoutMs: 900_000, reject: false },
      );
      builds += performance.now() - t;
    };
    const ssh = ["--ssh", `default=${server.agentSocket}`];
    await writeFile(join(project.dir, "known_hosts"), `${server.decoyKnownHostsLine}\n`);
    await build(ssh);
    await writeFile(join(project.dir, "known_hosts"), `${server.knownHostsLine}\n`);
    await build([]);
    const registry = env.registry.host;
    await build([
      ...ssh,
      "--push",
      "-t",
      `${registry}/submission:graded`,
      "--provenance=mode=max",
      "--cache-to",
      `type=registry,ref=${registry}/submission:cache,mode=max`,
    ]);
    await writeFile(
      join(project.dir, "zz_bench_test.go"),
      'package main\n\nimport "testing"\n\nfunc TestBench(t *testing.T) { t.Fatal("bench") }\n',
    );
    await build(ssh);
  } finally {
    await server.dispose();
    await env.dispose();
    await project.dispose();
  }
  return { builds, total: performance.now() - t0 };
}

const graded: number[] = [];
const raw: { builds: number; total: number }[] = [];
let reference: GradeReport | undefined;
for (let i = 0; i < rounds; i++) {
  const ref = await timedGrading(exercise);
  if (ref.report.status !== "passed") throw new Error(`reference did not pass: ${ref.report.status}`);
  graded.push(ref.ms);
  reference = ref.report;
  raw.push(await rawRound());
  console.log(
    `round ${i + 1}: grade ${s(ref.ms)}, raw builds ${s(raw.at(-1)?.builds ?? 0)}, raw + engine and Git server ${s(raw.at(-1)?.total ?? 0)}`,
  );
}
const g = median(graded);
const rb = median(raw.map((r) => r.builds));
const rt = median(raw.map((r) => r.total));
console.log(`\nexercise 05 reference, median of ${rounds}:`);
console.log(
  `  grade (static, Git server, 4 builds, key search, image files, service, test-file search): ${s(g)}`,
);
console.log(
  `  raw docker buildx build, same 4 builds:                  ${s(rb)}   ratio ${(g / rb).toFixed(2)}`,
);
console.log(
  `  raw incl. the same engine, registry and Git server:      ${s(rt)}   ratio ${(g / rt).toFixed(2)}`,
);
if (reference) {
  const m = (key: string) => Number(reference?.measurements[key] ?? NaN);
  console.log(
    `  grader's builds: pinned-key test ${s(m("decoyHostKey.durationMs"))}, no agent ${s(m("noAgent.durationMs"))}, graded ${s(m("build.durationMs"))}, failing test ${s(m("plantedTest.durationMs"))}`,
  );
  console.log(
    `  image ${(m("image.bytes") / 1e6).toFixed(1)} MB, Go cache mounts ${(m("cacheMounts.bytes") / 1e6).toFixed(1)} MB, key search decoded ${(m("leaks.decodedBytes") / 1e6).toFixed(1)} MB`,
  );
}
