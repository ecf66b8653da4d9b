import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExercise } from "../../harness/grading/exercise.ts";
import type { GradeReport } from "../../harness/grading/grade-report.ts";
import { gradeFixture } from "../../harness/grading/testing/grade-fixture.ts";
import { listenOnLoopback, type LoopbackListener } from "../../harness/sandbox/testing/loopback-listener.ts";

// SECURITY.md, issue 33 items 10 to 12: one bake file that tries every way out of a run that
// exercise 04 opened, against a listener on the host's loopback and a canary file on the host.
// A way that worked shows as a connection, the canary's content in the report, or a folder
// written on the host.
describe("exercise 04: a bake file that tries the grader's own tools as ways out", () => {
  let listener: LoopbackListener;
  let hostDir: string;
  let fixture: string;
  let report: GradeReport;
  const canaryText = `canary-${String(process.pid)}-${String(Date.now())}`;
  const decoyText = "decoy from inside the submission";

  beforeAll(async () => {
    listener = await listenOnLoopback("a host service the grader must never reach\n");
    hostDir = await mkdtemp(join(tmpdir(), "grader-canary-"));
    const canary = join(hostDir, "canary.txt");
    await writeFile(canary, `${canaryText}\n`);
    fixture = await mkdtemp(join(tmpdir(), "ways-out-04-"));
    await writeFixture(fixture, { canary, dest: join(hostDir, "written"), port: listener.port, decoyText });
    const exercise = await loadExercise("04-cache-backends");
    report = await gradeFixture(exercise, {
      name: "ways-out",
      dir: fixture,
      failing: [],
      mistake: "tries every way out",
    });
  }, 900_000);
  afterAll(async () => {
    await listener.close();
    await rm(hostDir, { recursive: true, force: true });
    await rm(fixture, { recursive: true, force: true });
  });

  it("ends as a report (the grader did not die), and its build ran the learner's secret step", () => {
    expect(report.status === "failed" || report.status === "passed", JSON.stringify(report.error)).toBe(true);
    // The secret buildx mounted is the file in the submission: the step printed the decoy.
    expect(JSON.stringify(report)).toContain(decoyText);
  });

  it("never reads the host file the secret's second src names (10)", () => {
    expect(JSON.stringify(report)).not.toContain(canaryText);
  });

  it("never writes the host folder a smuggled type=local names (11)", () => {
    expect(existsSync(join(hostDir, "written"))).toBe(false);
  });

  it("never connects to the host's loopback: cache references and # syntax (12)", () => {
    expect(listener.connections).toEqual([]);
    expect(JSON.stringify(report)).not.toContain("a host service the grader must never reach");
  });

  it("shows no path of the grading machine", () => {
    // The submission's own folder is the learner's (named as given); nothing else of the host.
    const text = JSON.stringify({ ...report, submission: "" });
    expect(text).not.toMatch(/\/tmp\/(bkg|submission|fixture)-/);
    expect(text).not.toContain(process.cwd());
  });
});

interface Attack {
  readonly canary: string;
  readonly dest: string;
  readonly port: number;
  readonly decoyText: string;
}

async function writeFixture(dir: string, attack: Attack): Promise<void> {
  const registry = `127.0.0.1:${String(attack.port)}/shop`;
  // The secret's one CSV field holds a comma: `src=x,src=<canary>`. Read as one field, it is a
  // file inside the submission (written below); joined back unquoted, buildx would read two
  // src fields and take the host's.
  const secret = JSON.stringify(`id=tok,"src=x,src=${attack.canary}"`);
  // A key that buildx, given it unquoted, would read as `ref`, `type=local` and `dest=<host>`.
  const smuggledLocal = JSON.stringify(`type=registry,"ref,type=local,dest=${attack.dest}"`);
  const bake = `variable "REGISTRY" {
  default = "ghcr.io/your-org/shop"
}
variable "TAG" {
  default = "dev"
}
group "default" {
  targets = ["api", "worker"]
}
target "api" {
  context    = "./api"
  tags       = ["\${REGISTRY}/api:\${TAG}"]
  secret     = [${secret}]
  cache-from = ["type=registry,ref=\${REGISTRY}/api:buildcache", "type=registry,ref=${registry}/api:cache"]
  cache-to   = ["type=registry,ref=\${REGISTRY}/api:buildcache,mode=max", ${smuggledLocal}, "type=registry,ref=${registry}/api:cache,mode=max", "${registry}/api:bare"]
}
target "worker" {
  context    = "./worker"
  tags       = ["\${REGISTRY}/worker:\${TAG}"]
  cache-from = ["type=registry,ref=\${REGISTRY}/worker:buildcache"]
  cache-to   = ["type=registry,ref=\${REGISTRY}/worker:buildcache,mode=max", "type=registry,ref=${registry}/worker:cache"]
}
`;
  await writeFile(join(dir, "docker-bake.hcl"), bake);
  // bake reads a secret's src from where it runs: the submission's root.
  const decoy = join(dir, "x,src=", attack.canary);
  await mkdir(dirname(decoy), { recursive: true });
  await writeFile(decoy, `${attack.decoyText}\n`);
  await mkdir(join(dir, "api"), { recursive: true });
  await writeFile(
    join(dir, "api", "Dockerfile"),
    "FROM node:20-alpine\nRUN --mount=type=secret,id=tok sh -c 'echo \"secret says: $(cat /run/secrets/tok)\"; exit 7'\n",
  );
  // The frontend named by the learner: pulled by the run's engine, in its own namespace, or not at all.
  const workspaceWorker = await readFile(
    join(import.meta.dirname, "../../exercises/04-cache-backends/workspace/worker/Dockerfile"),
    "utf8",
  );
  await mkdir(join(dir, "worker"), { recursive: true });
  await writeFile(
    join(dir, "worker", "Dockerfile"),
    `# syntax=127.0.0.1:${String(attack.port)}/frontend:1\n${workspaceWorker}`,
  );
}
