import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Exercise } from "./exercise.ts";
import { handoutDrift, handoutHashes } from "./handout.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "handout-"));
  await writeFile(join(dir, "Dockerfile"), "FROM busybox\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const exercise = (handout: Record<string, string>): Exercise => ({
  id: "00-x",
  title: "x",
  grader: "x",
  learnerFiles: ["Dockerfile", "build.yml"],
  handout,
  network: "none",
  platforms: ["linux/amd64"],
  buildTimeoutSeconds: 60,
  bake: undefined,
  service: undefined,
  dir,
  workspace: dir,
});

describe("handout hashes", () => {
  it("are the sha256 of the learner files that exist", async () => {
    const sha = createHash("sha256").update("FROM busybox\n").digest("hex");
    expect(await handoutHashes(exercise({}))).toEqual({ Dockerfile: sha });
  });
  it("report each file that drifted, with both hashes", async () => {
    const actual = await handoutHashes(exercise({}));
    expect(await handoutDrift(exercise(actual))).toEqual([]);
    expect(await handoutDrift(exercise({ Dockerfile: "0".repeat(64), "build.yml": "1".repeat(64) }))).toEqual(
      [
        { file: "Dockerfile", recorded: "0".repeat(64), actual: actual["Dockerfile"] },
        { file: "build.yml", recorded: "1".repeat(64), actual: undefined },
      ],
    );
  });
});
