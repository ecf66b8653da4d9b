import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bakeTarget } from "../../harness/buildx/testing/bake-target.ts";
import { planBuilds } from "./build-plan.ts";

const REGISTRY = "10.213.0.1:5000/shop";
const TEXT = 'target "api" {\n}\ntarget "worker" {\n}\n';

describe("what the grader builds of a bake file", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "plan-"));
    await mkdir(join(root, "api"));
    await writeFile(join(root, "token.txt"), "t\n");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));
  const targets = (secrets: { id: string; src: string }[]) => [
    bakeTarget(join(root, "api"), { name: "api", secrets }),
    bakeTarget(join(root, "worker"), { name: "worker" }),
  ];

  it("builds a target with its secrets, as bake would, once each is vetted", async () => {
    const plan = await planBuilds(
      targets([{ id: "tok", src: join(root, "token.txt") }]),
      root,
      REGISTRY,
      TEXT,
    );
    expect(plan.ok).toBe(true);
    if (plan.ok)
      expect(plan.targets[0]?.target.secrets).toEqual([{ id: "tok", src: join(root, "token.txt") }]);
  });

  it("refuses a secret from outside the submission, naming it, instead of dropping it", async () => {
    const plan = await planBuilds(targets([{ id: "tok", src: "/etc/hostname" }]), root, REGISTRY, TEXT);
    expect(plan.ok).toBe(false);
    if (!plan.ok)
      expect(plan.refusals.join("\n")).toMatch(/api: secret tok: src .* is outside the submission/);
  });
});
