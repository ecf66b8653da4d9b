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
  it("gives exercises with network services the run's namespace, but no way out of it", () => {
    expect(buildNetwork("services")).toBe("host");
    expect(egressHosts("services")).toEqual([]);
    expect(archiveHosts("services")).toEqual([]);
  });
});

describe("exercise.json", () => {
  const base = { id: "09-x", title: "X marks", grader: "x", learnerFiles: ["Dockerfile"], handout: {} };
  async function load(declaration: unknown): Promise<unknown> {
    const root = await mkdtemp(join(tmpdir(), "exercises-"));
    try {
      await mkdir(join(root, "09-x"));
      await writeFile(join(root, "09-x", "exercise.json"), JSON.stringify(declaration));
      return await loadExercise("09-x", root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  }

  it("refuses a network it does not know instead of quietly closing it", async () => {
    await expect(load({ ...base, network: "hots" })).rejects.toThrow(
      /network: must be one of "none", "services", "npm"/,
    );
    await expect(load({ ...base, network: "npm" })).resolves.toMatchObject({ network: "npm" });
    await expect(load(base)).resolves.toMatchObject({ network: "none", platforms: ["linux/amd64"] });
  });

  it("names each wrong field: a typo, a missing field, a bad service, a path out of the workspace", async () => {
    await expect(load({ ...base, netwrok: "npm" })).rejects.toThrow(/unknown field "netwrok"/);
    const { grader: _grader, ...noGrader } = base;
    await expect(load(noGrader)).rejects.toThrow(/missing field "grader"/);
    await expect(load({ ...base, service: { healthPath: "healthz" } })).rejects.toThrow(
      /service: missing field "portVariable".*service\.healthPath: must match/,
    );
    await expect(load({ ...base, learnerFiles: ["../secrets"] })).rejects.toThrow(
      /learnerFiles\.0: must match/,
    );
    await expect(load({ ...base, grader: "../../x" })).rejects.toThrow(/grader: must match/);
    await expect(load({ ...base, platforms: ["linux/amd65"] })).rejects.toThrow(/platforms\.0/);
    await expect(load({ ...base, id: "09-y" })).rejects.toThrow(/not the folder name/);
  });

  it("says when the file is not JSON", async () => {
    const root = await mkdtemp(join(tmpdir(), "exercises-"));
    try {
      await mkdir(join(root, "09-x"));
      await writeFile(join(root, "09-x", "exercise.json"), "{ id: 09 }");
      await expect(loadExercise("09-x", root)).rejects.toThrow(/exercise.json is not JSON/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
