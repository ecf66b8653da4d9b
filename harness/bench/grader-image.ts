// The grader image against grading on the host, on the same work in the same run: each
// exercise's reference graded on this machine's own private engine (GRADER_HOME=host) and
// through the grader image on the shared engine (GRADER_HOME=image), alternating, medians of
// --rounds. The image is built (or found) first; its size is printed.
//   npm run bench:image -- [--rounds 3] [--exercises 01-cache-mounts,02-multi-platform]
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { exec, baseEnv } from "../exec/exec.ts";
import { listExercises, REPO_ROOT } from "../grading/exercise.ts";
import { ensureGraderImage, hostEngine } from "../grader-image/image-build.ts";
import { median, roundsArg, seconds } from "./figures.ts";

const { values } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, exercises: { type: "string" } },
});
const rounds = roundsArg(values.rounds);
const ids = values.exercises?.split(",") ?? (await listExercises()).map((e) => e.id);
const engine = hostEngine();
const debs = process.env["GRADER_IMAGE_DEBS"] ?? "/var/lib/bk-grader/grader-debs";
const image = await ensureGraderImage(REPO_ROOT, engine, (m) => process.stderr.write(`${m}\n`), { debs });
const size = await exec("docker", ["image", "inspect", "--format", "{{.Size}}", image], { env: engine.env });
process.stdout.write(`image ${image}: ${(Number(size.stdout.trim()) / 1e6).toFixed(0)} MB compressed\n`);

/** One CLI grading of the reference, timed end to end, in the home asked for. */
async function grade(id: string, home: "host" | "image"): Promise<number> {
  const out = await mkdtemp(join(tmpdir(), "bench-image-"));
  try {
    const t0 = performance.now();
    const run = await exec(
      process.execPath,
      [
        "--import",
        "tsx",
        "harness/cli/grade.ts",
        id,
        "--submission",
        `exercises/${id}/solution`,
        "--force",
        "--quiet",
        "--out",
        out,
      ],
      {
        cwd: REPO_ROOT,
        env: baseEnv({ GRADER_HOME: home, GRADER_IMAGE_DEBS: debs }),
        reject: false,
        timeoutMs: 3_600_000,
      },
    );
    const ms = performance.now() - t0;
    if (run.exitCode !== 0)
      throw new Error(`${id} in ${home} exited ${String(run.exitCode)}: ${run.stdout.slice(-500)}`);
    return ms;
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

process.stdout.write("exercise                 host (median)  image (median)  image/host\n");
for (const id of ids) {
  const host: number[] = [];
  const inImage: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Alternating, so that a slower moment of the machine falls on both.
    host.push(await grade(id, "host"));
    inImage.push(await grade(id, "image"));
  }
  const ratio = median(inImage) / median(host);
  process.stdout.write(
    `${id.padEnd(24)} ${seconds(median(host)).padStart(13)}  ${seconds(median(inImage)).padStart(14)}  ${ratio.toFixed(3).padStart(10)}\n`,
  );
}
