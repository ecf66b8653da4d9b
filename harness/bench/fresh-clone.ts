// A new learner's first verdict, timed: this machine as a learner's (harness/grader-image/
// testing/learner-machine.ts), a fresh copy of the project, npm ci, exercise 01 solved, npm test,
// with the grader image built from nothing (its image and the engine's build cache removed first).
//   npm run bench:fresh
import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { exec } from "../exec/exec.ts";
import { loadExercise } from "../grading/exercise.ts";
import { learnerMachine } from "../grader-image/testing/learner-machine.ts";
import { seconds } from "./figures.ts";

const engineEnv = { PATH: process.env["PATH"] ?? "/usr/bin:/bin" };
const images = await exec("docker", ["image", "ls", "-q", "bk-grader"], { env: engineEnv });
const ids = images.stdout.split("\n").filter(Boolean);
if (ids.length > 0) await exec("docker", ["image", "rm", "-f", ...ids], { env: engineEnv, reject: false });
await exec("docker", ["buildx", "prune", "--all", "--force"], { env: engineEnv, timeoutMs: 600_000 });

const t0 = performance.now();
const machine = await learnerMachine({});
try {
  const copied = performance.now();
  const install = await machine.run(["npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"], {
    timeoutMs: 900_000,
  });
  if (install.exitCode !== 0) throw new Error(`npm ci failed: ${install.stderr.slice(-1000)}`);
  const installed = performance.now();
  const exercise = await loadExercise("01-cache-mounts");
  const workspace = join(machine.project, "exercises", exercise.id, "workspace");
  await cp(join(exercise.dir, "solution"), workspace, { recursive: true });
  await machine.chown(workspace);
  const run = await machine.run(["npm", "test"], { timeoutMs: 1_800_000 });
  const done = performance.now();
  const report = JSON.parse(
    await readFile(join(machine.project, "reports", "01-cache-mounts.json"), "utf8"),
  ) as {
    status: string;
    score: number;
    maxScore: number;
    durationMs: number;
  };
  const built = /grader image ready \((\d+)s\)/.exec(run.stderr)?.[1];
  process.stdout.write(
    [
      `copy of the project        ${seconds(copied - t0)}`,
      `npm ci                     ${seconds(installed - copied)}`,
      `npm test (01 solved)       ${seconds(done - installed)}  (exit ${String(run.exitCode)}; the image's build ${built ?? "?"} s; the grading ${seconds(report.durationMs)})`,
      `fresh copy -> first verdict ${seconds(done - t0)}: ${report.status} ${String(report.score)}/${String(report.maxScore)}`,
    ].join("\n") + "\n",
  );
} finally {
  await machine.dispose();
}
