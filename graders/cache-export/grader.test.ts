import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBakeFile } from "../../harness/buildx/bake-file.ts";
import type { CheckResult } from "../../harness/grading/check.ts";
import { loadExercise } from "../../harness/grading/exercise.ts";
import { filesFromMap } from "../../harness/grading/kit/submission-files.ts";
import { Scorecard } from "../../harness/grading/scorecard.ts";
import { failedIds } from "../../harness/grading/testing/judge-static.ts";
import { BAKE_FILE, WORKFLOW_FILE } from "./checks.ts";
import { grader } from "./grader.ts";

const exercise = await loadExercise("04-cache-backends");
const BAKE = await readFile(join(exercise.dir, "solution", BAKE_FILE), "utf8");
const WORKFLOW = await readFile(join(exercise.dir, "solution", WORKFLOW_FILE), "utf8");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "cache-export-"));
  await cp(join(exercise.dir, "workspace", "api"), join(dir, "api"), { recursive: true });
  await cp(join(exercise.dir, "workspace", "worker"), join(dir, "worker"), { recursive: true });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The static part on a bake file (read by buildx itself, no engine) and a workflow. */
async function judge(
  bake: string | undefined,
  workflow: string | undefined = WORKFLOW,
): Promise<Map<string, CheckResult>> {
  const texts = new Map<string, string>();
  if (bake !== undefined) {
    texts.set(BAKE_FILE, bake);
    await writeFile(join(dir, BAKE_FILE), bake);
  } else await rm(join(dir, BAKE_FILE), { force: true });
  if (workflow !== undefined) texts.set(WORKFLOW_FILE, workflow);
  const bakeFile =
    bake === undefined ? undefined : await readBakeFile(dir, BAKE_FILE, exercise.bake?.variables ?? {});
  const card = new Scorecard(grader.checks);
  grader.gradeStatic({ ...filesFromMap(exercise, texts), bakeFile }, card);
  return new Map(
    card
      .all()
      .filter((c) => c.kind === "static")
      .map((c) => [c.id, c]),
  );
}

const lineOf = (text: string, needle: string): number =>
  text.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("cache-export: the bake file's checks", () => {
  it("passes the reference solution", async () => {
    expect(failedIds(await judge(BAKE))).toEqual([]);
  });

  it("fails bake.cache-max for the default min mode, at the cache-to line", async () => {
    const bake = BAKE.replace('api:buildcache,mode=max"', 'api:buildcache"');
    const results = await judge(bake);
    expect(failedIds(results)).toEqual(["bake.cache-max"]);
    expect(results.get("bake.cache-max")?.message).toMatch(/api exports a registry cache in min mode/);
    expect(results.get("bake.cache-max")?.location?.line).toBe(
      lineOf(bake, 'cache-to   = ["type=registry,ref=${REGISTRY}/api'),
    );
  });

  it("explains that an inline cache cannot be max mode", async () => {
    const results = await judge(
      BAKE.replace('["type=registry,ref=${REGISTRY}/worker:buildcache,mode=max"]', '["type=inline"]'),
    );
    expect(failedIds(results)).toEqual(["bake.cache-imported", "bake.cache-max"]);
    expect(results.get("bake.cache-max")?.message).toMatch(/inline cache, which is always min mode/);
  });

  it("fails bake.cache-distinct when both images write one reference", async () => {
    const bake = BAKE.replaceAll("/worker:buildcache", "/api:buildcache");
    const results = await judge(bake);
    expect(failedIds(results)).toEqual(["bake.cache-distinct"]);
    expect(results.get("bake.cache-distinct")?.message).toMatch(/api and worker both write/);
  });

  it("fails bake.cache-distinct for one reference spelled with and without its default tag", async () => {
    const bake = BAKE.replaceAll("/api:buildcache", "/shared-cache").replaceAll(
      "/worker:buildcache",
      "/shared-cache:latest",
    );
    const results = await judge(bake);
    expect(failedIds(results)).toEqual(["bake.cache-distinct"]);
    expect(results.get("bake.cache-distinct")?.message).toMatch(/api and worker both write .*shared-cache/);
  });

  it("takes a cache read back under its default tag as its own cache", async () => {
    const bake = BAKE.replace(
      'cache-from = ["type=registry,ref=${REGISTRY}/worker:buildcache"]',
      'cache-from = ["type=registry,ref=${REGISTRY}/worker-cache:latest"]',
    ).replace("/worker:buildcache,mode=max", "/worker-cache,mode=max");
    expect(bake).toMatch(
      /worker-cache,mode=max[\s\S]*worker-cache:latest|worker-cache:latest[\s\S]*worker-cache,mode=max/,
    );
    expect(failedIds(await judge(bake))).toEqual([]);
  });

  it("reads a cache-from list of bare references as several registry caches", async () => {
    const bake = BAKE.replace(
      'cache-from = ["type=registry,ref=${REGISTRY}/worker:buildcache"]',
      'cache-from = ["${REGISTRY}/worker:old,${REGISTRY}/worker:buildcache"]',
    );
    expect(bake).not.toBe(BAKE);
    expect(failedIds(await judge(bake))).toEqual([]);
  });

  it("fails bake.cache-imported when no cache-from reads the exported reference", async () => {
    const results = await judge(
      BAKE.replace(
        'cache-from = ["type=registry,ref=${REGISTRY}/worker:buildcache"]',
        'cache-from = ["type=registry,ref=${REGISTRY}/worker:other"]',
      ),
    );
    expect(failedIds(results)).toEqual(["bake.cache-imported"]);
    expect(results.get("bake.cache-imported")?.message).toMatch(/worker imports .*worker:other but writes/);
  });

  it("fails bake.registry-variable for a hard-coded reference, at its line", async () => {
    const bake = BAKE.replace(
      'tags       = ["${REGISTRY}/worker:${TAG}"]',
      'tags       = ["docker.io/me/worker:${TAG}"]',
    );
    const results = await judge(bake);
    expect(failedIds(results)).toEqual(["bake.registry-variable"]);
    expect(results.get("bake.registry-variable")?.location?.line).toBe(lineOf(bake, "docker.io/me/worker"));
  });

  it("fails bake.both-targets at the default group when a service is missing", async () => {
    const bake = BAKE.replace('targets = ["api", "worker"]', 'targets = ["worker"]');
    const results = await judge(bake);
    expect(failedIds(results)).toEqual(["bake.both-targets"]);
    expect(results.get("bake.both-targets")?.location?.line).toBe(lineOf(bake, 'group "default"'));
  });

  it("fails every bake check at the line buildx names when the file does not parse", async () => {
    const bake = BAKE.replace('context = "./api"', 'context = "./api" +');
    const results = await judge(bake);
    expect(failedIds(results)).toEqual(
      [
        "bake.both-targets",
        "bake.cache-distinct",
        "bake.cache-imported",
        "bake.cache-max",
        "bake.parses",
        "bake.registry-variable",
      ].sort(),
    );
    expect(results.get("bake.parses")?.message).toMatch(/could not read docker-bake.hcl/);
    expect(results.get("bake.parses")?.location?.line).toBeGreaterThan(1);
  });

  it("fails every bake check on a missing bake file, naming it", async () => {
    const results = await judge(undefined);
    expect(results.get("bake.parses")?.message).toMatch(/There is no docker-bake.hcl/);
  });
});

describe("cache-export: the workflow's checks", () => {
  const withBakeStep = (step: string): string =>
    WORKFLOW.slice(0, WORKFLOW.indexOf("      # One call builds")) + step;

  it.each([
    ["a run step with --push", "      - run: docker buildx bake --push\n"],
    [
      "a run step naming both targets",
      "      - run: docker buildx bake -f docker-bake.hcl api worker --push\n",
    ],
    [
      "bake-action with targets listed",
      "      - uses: docker/bake-action@v5\n        with:\n          targets: api,worker\n          push: true\n",
    ],
    [
      "bake-action pushing through set",
      "      - uses: docker/bake-action@v5\n        with:\n          set: |\n            *.output=type=registry\n",
    ],
  ])("passes one bake call as %s", async (_form, step) => {
    expect(failedIds(await judge(BAKE, withBakeStep(step)))).toEqual([]);
  });

  it.each([
    [
      "two calls",
      "      - run: docker buildx bake --push api\n      - run: docker buildx bake --push worker\n",
      /2 bake calls/,
    ],
    ["a matrix of calls", "      - run: docker buildx bake --push ${{ matrix.t }}\n", /2 bake calls/],
    ["a call that does not push", "      - run: docker buildx bake\n", /does not push/],
    ["a call for one target", "      - run: docker buildx bake --push api\n", /does not build worker/],
    [
      "a docker build besides",
      "      - run: docker buildx bake --push\n      - run: docker build -t x ./worker\n",
      /builds an image on its own/,
    ],
    ["no bake at all", "      - run: docker build ./api\n", /No step runs bake/],
  ])("fails workflow.one-bake for %s", async (form, step, message) => {
    let workflow = withBakeStep(step);
    if (form === "a matrix of calls")
      workflow = workflow.replace(
        "    runs-on: ubuntu-latest\n",
        "    runs-on: ubuntu-latest\n    strategy:\n      matrix:\n        t: [api, worker]\n",
      );
    const results = await judge(BAKE, workflow);
    expect(failedIds(results)).toContain("workflow.one-bake");
    expect(results.get("workflow.one-bake")?.message).toMatch(message);
    expect(results.get("workflow.one-bake")?.location?.line).toBeGreaterThan(0);
  });

  it("fails workflow.builder without setup-buildx-action, at the bake step", async () => {
    const workflow = WORKFLOW.replace("      - uses: docker/setup-buildx-action@v3\n", "");
    const results = await judge(BAKE, workflow);
    expect(failedIds(results)).toEqual(["workflow.builder"]);
    expect(results.get("workflow.builder")?.location?.line).toBe(
      lineOf(workflow, "Build and push both images"),
    );
  });

  it("fails workflow.builder when the builder is set up after bake ran", async () => {
    const workflow = WORKFLOW.replace("      - uses: docker/setup-buildx-action@v3\n", "").concat(
      "      - uses: docker/setup-buildx-action@v3\n",
    );
    expect(failedIds(await judge(BAKE, workflow))).toEqual(["workflow.builder"]);
  });

  const noSetup = (step: string): string =>
    WORKFLOW.replace("      - uses: docker/setup-buildx-action@v3\n", "").replace(
      WORKFLOW.slice(WORKFLOW.indexOf("      # One call builds")),
      step,
    );

  it.each([
    [
      "a builder made in a run step and made current",
      noSetup(
        "      - run: docker buildx create --driver docker-container --use\n      - run: docker buildx bake --push\n",
      ),
    ],
    [
      "a named builder picked by buildx's own flag",
      noSetup(
        "      - run: |\n          docker buildx create --name ci\n          docker buildx --builder ci bake --push\n",
      ),
    ],
    [
      "a named builder picked after the subcommand, docker's flags first",
      noSetup(
        "      - run: docker buildx create --name=ci --bootstrap\n      - run: docker --debug buildx bake --builder=ci --push\n",
      ),
    ],
    [
      "buildx use",
      noSetup(
        "      - run: docker buildx create --name ci && docker buildx use ci\n      - run: docker buildx bake --push\n",
      ),
    ],
    [
      "setup-buildx's output given to bake-action",
      noSetup(
        "      - id: bx\n        uses: docker/setup-buildx-action@v3\n        with:\n          use: false\n      - uses: docker/bake-action@v5\n        with:\n          builder: ${{ steps.bx.outputs.name }}\n          push: true\n",
      ),
    ],
  ])("passes workflow.builder for %s", async (_form, workflow) => {
    expect(failedIds(await judge(BAKE, workflow))).toEqual([]);
  });

  it("passes, saying so, a builder named from outside the workflow: the engine's cache checks decide", async () => {
    const workflow = noSetup(
      "      - run: docker buildx bake --push\n        env:\n          BUILDX_BUILDER: team-builder\n",
    );
    const results = await judge(BAKE, workflow);
    expect(failedIds(results)).toEqual([]);
    expect(results.get("workflow.builder")?.message).toMatch(
      /team-builder.*cannot be read from the workflow/,
    );
  });

  it.each([
    [
      "bake told to use the default builder after setup-buildx",
      WORKFLOW.replace("          push: true\n", "          push: true\n          builder: default\n"),
      /named "default" \(the docker driver\)/,
    ],
    [
      "setup-buildx that does not make its builder current",
      WORKFLOW.replace(
        "      - uses: docker/setup-buildx-action@v3\n",
        "      - uses: docker/setup-buildx-action@v3\n        with:\n          use: false\n",
      ),
      /runner's default builder/,
    ],
    [
      "a builder made without --use",
      noSetup("      - run: docker buildx create --name ci\n      - run: docker buildx bake --push\n"),
      /runner's default builder/,
    ],
  ])("fails workflow.builder for %s", async (_form, workflow, message) => {
    expect(workflow).not.toBe(WORKFLOW);
    const results = await judge(BAKE, workflow);
    expect(failedIds(results)).toEqual(["workflow.builder"]);
    expect(results.get("workflow.builder")?.message).toMatch(message);
  });

  it("fails both workflow checks at the line of a YAML error", async () => {
    const results = await judge(
      BAKE,
      WORKFLOW.replace("    runs-on: ubuntu-latest", "    runs-on: [ubuntu-latest"),
    );
    expect(failedIds(results)).toEqual(["workflow.builder", "workflow.one-bake"]);
    expect(results.get("workflow.builder")?.location?.line).toBeGreaterThan(1);
  });
});
