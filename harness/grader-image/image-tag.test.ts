import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../grading/exercise.ts";
import { imageInputs, imageTag } from "./image-tag.ts";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

/** A small project with the real ignore file. */
async function project(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "image-tag-"));
  roots.push(root);
  await cp(join(REPO_ROOT, "harness/grader-image"), join(root, "harness/grader-image"), { recursive: true });
  for (const dir of [
    "exercises/01-a/workspace",
    "exercises/01-a/solution",
    "node_modules/x",
    "reports/schema",
    ".git",
  ])
    await mkdir(join(root, dir), { recursive: true });
  await writeFile(join(root, "exercises/01-a/exercise.json"), "{}");
  await writeFile(join(root, "exercises/01-a/workspace/Dockerfile"), "FROM busybox\n");
  await writeFile(join(root, "exercises/01-a/solution/Dockerfile"), "FROM busybox\nRUN true\n");
  await writeFile(join(root, "node_modules/x/index.js"), "");
  await writeFile(join(root, "reports/01-a.json"), "{}");
  await writeFile(join(root, "reports/schema/s.json"), "{}");
  await writeFile(join(root, ".git/HEAD"), "ref: refs/heads/main\n");
  await writeFile(join(root, "package.json"), "{}");
  return root;
}

describe("the grader image's tag", () => {
  it("is built from the project without learners' files, installs, reports or git", async () => {
    const inputs = await imageInputs(await project());
    expect(inputs).toContain("exercises/01-a/solution/Dockerfile");
    expect(inputs).toContain("reports/schema/s.json");
    expect(inputs).toContain("harness/grader-image/Dockerfile");
    expect(inputs.filter((f) => /workspace|node_modules|^\.git\/|reports\/01-a/.test(f))).toEqual([]);
  });

  it("stays when a learner edits a workspace, and changes with the grader's code or modes", async () => {
    const root = await project();
    const first = await imageTag(root);
    expect(first).toMatch(/^bk-grader:[0-9a-f]{16}$/);
    await writeFile(join(root, "exercises/01-a/workspace/Dockerfile"), "FROM alpine\n");
    expect(await imageTag(root)).toBe(first);
    await writeFile(join(root, "exercises/01-a/solution/Dockerfile"), "FROM alpine\n");
    const second = await imageTag(root);
    expect(second).not.toBe(first);
    await chmod(join(root, "package.json"), 0o755);
    expect(await imageTag(root)).not.toBe(second);
    // Another base or other packages make another image from the same files.
    expect(await imageTag(root, ["base=x"])).not.toBe(await imageTag(root));
  });
});
