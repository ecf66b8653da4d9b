import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  archiveHosts,
  buildNetwork,
  egressHosts,
  loadExercise,
  npmRegistryHosts,
  timeoutFactor,
} from "./exercise.ts";

describe("exercise settings from the environment", () => {
  it("stretches build time limits only within sane bounds", () => {
    expect(timeoutFactor({})).toBe(1);
    expect(timeoutFactor({ GRADER_TIMEOUT_FACTOR: "1.5" })).toBe(1.5);
    expect(() => timeoutFactor({ GRADER_TIMEOUT_FACTOR: "0.1" })).toThrow(/from 1 to 10/);
    expect(() => timeoutFactor({ GRADER_TIMEOUT_FACTOR: "soon" })).toThrow(/GRADER_TIMEOUT_FACTOR=soon/);
  });
  it("opens the npm registry, and only it, to exercises that install packages", () => {
    expect(npmRegistryHosts({})).toEqual(["registry.npmjs.org"]);
    expect(npmRegistryHosts({ GRADER_NPM_REGISTRY: "https://npm.example.edu/repo/" })).toEqual([
      "npm.example.edu",
    ]);
    expect(() => npmRegistryHosts({ GRADER_NPM_REGISTRY: "not a url" })).toThrow(/is not a URL/);
    expect(egressHosts("none")).toEqual([]);
    expect(archiveHosts("none")).toEqual([]);
    expect(archiveHosts("npm")).toEqual(["deb.debian.org"]);
    expect(buildNetwork("npm")).toBe("host");
    expect(buildNetwork("none")).toBe("none");
  });
});

describe("exercise.json", () => {
  it("refuses a network it does not know instead of quietly closing it", async () => {
    const root = await mkdtemp(join(tmpdir(), "exercises-"));
    try {
      await mkdir(join(root, "09-x"));
      const base = { id: "09-x", title: "X", grader: "x", learnerFiles: ["Dockerfile"] };
      await writeFile(join(root, "09-x", "exercise.json"), JSON.stringify({ ...base, network: "hots" }));
      await expect(loadExercise("09-x", root)).rejects.toThrow(/network "hots" is not "none" or "npm"/);
      await writeFile(join(root, "09-x", "exercise.json"), JSON.stringify({ ...base, network: "npm" }));
      expect((await loadExercise("09-x", root)).network).toBe("npm");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
