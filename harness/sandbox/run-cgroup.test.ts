import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GraderError } from "../errors.ts";
import { detectCgroupLayout, missingControllers } from "./cgroup-layout.ts";
import { createRunCgroup, parseKeyed } from "./run-cgroup.ts";
import { judgeBreaches } from "./run-limits.ts";
import { fakeCgroupTree } from "./testing/fake-cgroup-tree.ts";

const limits = { memoryBytes: 256 * 1024 ** 2, pids: 200 };
const roots: string[] = [];
const tree = async (...args: Parameters<typeof fakeCgroupTree>): Promise<string> => {
  const root = await fakeCgroupTree(...args);
  roots.push(root);
  return root;
};
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});
const text = (file: string): Promise<string> => readFile(file, "utf8");

describe("the machine's cgroup layout", () => {
  it("is v1 where memory and pids have hierarchies of their own", async () => {
    expect(detectCgroupLayout(await tree("v1")).kind).toBe("v1");
  });
  it("is v2 where the unified root offers memory and pids", async () => {
    expect(detectCgroupLayout(await tree("v2")).kind).toBe("v2");
  });
  it("names the controller a v2 root lacks", async () => {
    const layout = detectCgroupLayout(await tree("v2-no-pids"));
    expect(layout).toMatchObject({ kind: "none" });
    expect(layout.kind === "none" && layout.why).toMatch(/does not offer the pids controller$/);
  });
  it("is none, saying so, where nothing is mounted", async () => {
    const layout = detectCgroupLayout(join(await tree("v1"), "absent"));
    expect(layout.kind === "none" && layout.why).toMatch(/no cgroup v1 .* and no cgroup v2/);
  });
  it("reads controller lists as the kernel writes them", () => {
    expect(missingControllers("cpuset cpu io memory pids\n")).toEqual([]);
    expect(missingControllers("")).toEqual(["memory", "pids"]);
  });
});

describe("a run's cgroup on v2", () => {
  it("enables memory and pids at the root, then limits the run and its children", async () => {
    const root = await tree("v2", { subtreeControl: "cpu" });
    const run = await createRunCgroup(detectCgroupLayout(root), "bkg-run1", limits);
    expect(run.parent).toBe("/bkg-run1");
    // The kernel keeps "cpu" and adds what was asked: the file written is the request.
    expect(await text(join(root, "cgroup.subtree_control"))).toBe("+memory +pids");
    expect(await text(join(root, "bkg-run1/memory.max"))).toBe(String(256 * 1024 ** 2));
    expect(await text(join(root, "bkg-run1/memory.swap.max"))).toBe("0");
    expect(await text(join(root, "bkg-run1/pids.max"))).toBe("200");
    expect(await text(join(root, "bkg-run1/cgroup.subtree_control"))).toBe("+memory +pids");
  });

  it("leaves a root that already delegates both controllers as it is", async () => {
    const root = await tree("v2", { subtreeControl: "cpu memory pids" });
    await createRunCgroup(detectCgroupLayout(root), "bkg-run2", limits);
    expect(await text(join(root, "cgroup.subtree_control"))).toBe("cpu memory pids\n");
  });

  it("says what to do when the root cannot delegate (a container's cgroup with processes in it)", async () => {
    const root = await tree("v2");
    // The kernel answers EBUSY there; a folder in the file's place fails the write, even as root.
    await rm(join(root, "cgroup.subtree_control"));
    await mkdir(join(root, "cgroup.subtree_control"));
    const attempt = createRunCgroup(detectCgroupLayout(root), "bkg-run3", limits);
    const error: unknown = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GraderError);
    expect(error instanceof GraderError && [error.code, error.hint]).toEqual([
      "ENGINE_START_FAILED",
      expect.stringMatching(/grader image's entrypoint/) as unknown,
    ]);
  });

  it("reads kills and refused forks from the events files, peaks where the kernel has them", async () => {
    const root = await tree("v2", { subtreeControl: "memory pids" });
    const run = await createRunCgroup(detectCgroupLayout(root), "bkg-run4", limits);
    expect(await run.read()).toEqual({
      memoryPeakBytes: 0,
      pidsPeak: 0,
      oomKills: undefined,
      forksRefused: undefined,
    });
    await writeFile(
      join(root, "bkg-run4/memory.events"),
      "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n",
    );
    await writeFile(join(root, "bkg-run4/pids.events"), "max 3\n");
    await writeFile(join(root, "bkg-run4/memory.peak"), "268435456\n");
    await writeFile(join(root, "bkg-run4/pids.peak"), "200\n");
    expect(await run.read()).toEqual({
      memoryPeakBytes: 268435456,
      pidsPeak: 200,
      oomKills: 1,
      forksRefused: 3,
    });
  });
});

describe("a run's cgroup on v1", () => {
  it("limits memory, swap and processes in their own hierarchies", async () => {
    const root = await tree("v1");
    const run = await createRunCgroup(detectCgroupLayout(root), "bkg-v1", limits);
    expect(run.parent).toBe("/bkg-v1");
    expect(await text(join(root, "memory/bkg-v1/memory.limit_in_bytes"))).toBe(String(256 * 1024 ** 2));
    expect(await text(join(root, "memory/bkg-v1/memory.memsw.limit_in_bytes"))).toBe(String(256 * 1024 ** 2));
    expect(await text(join(root, "pids/bkg-v1/pids.max"))).toBe("200");
    await writeFile(join(root, "memory/bkg-v1/memory.max_usage_in_bytes"), "1000\n");
    expect(await run.read()).toMatchObject({ memoryPeakBytes: 1000, oomKills: undefined });
  });

  it("refuses where neither layout is there, with the grader image as the way out", async () => {
    const root = join(await tree("v1"), "nothing");
    await mkdir(root);
    const error: unknown = await createRunCgroup(detectCgroupLayout(root), "x", limits).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error instanceof GraderError && error.hint).toMatch(/grader image/);
  });
});

describe("which limit a failed build reached", () => {
  const settings = { ...limits, diskBytes: 1024 ** 3 };
  const calm = { memoryPeakBytes: 0, pidsPeak: 0, oomKills: 0, forksRefused: 0 };
  it("blames memory on v2 only when the kernel killed and the step died of it", () => {
    expect(judgeBreaches({ ...calm, oomKills: 1 }, undefined, "exit code: 137", settings)).toEqual([
      "memory (256 MiB)",
    ]);
    expect(judgeBreaches({ ...calm, oomKills: 1 }, undefined, "exit code: 1", settings)).toEqual([]);
    // A peak near the limit without a kill is not a breach on v2.
    expect(
      judgeBreaches({ ...calm, memoryPeakBytes: 256 * 1024 ** 2 }, undefined, "exit code: 137", settings),
    ).toEqual([]);
  });
  it("falls back to the peak on v1, which counts no kills", () => {
    const v1 = {
      memoryPeakBytes: 256 * 1024 ** 2,
      pidsPeak: 0,
      oomKills: undefined,
      forksRefused: undefined,
    };
    expect(judgeBreaches(v1, undefined, "Killed", settings)).toEqual(["memory (256 MiB)"]);
  });
  it("blames processes on refused forks, and the disk on its free space or ENOSPC", () => {
    expect(judgeBreaches({ ...calm, forksRefused: 2 }, undefined, "sh: can't fork", settings)).toEqual([
      "processes (200)",
    ]);
    expect(judgeBreaches(calm, 1024, "", settings)).toEqual(["disk (1 GiB)"]);
    expect(judgeBreaches(calm, 512 * 1024 ** 2, "write: no space left on device", settings)).toEqual([
      "disk (1 GiB)",
    ]);
    expect(judgeBreaches(calm, 512 * 1024 ** 2, "exit code: 2", settings)).toEqual([]);
  });
  it("reads flat-keyed files and nothing else", () => {
    expect(parseKeyed("max 3\n", "max")).toBe(3);
    expect(parseKeyed("oom 1\noom_kill 2\n", "oom_kill")).toBe(2);
    expect(parseKeyed("max x\n", "max")).toBeUndefined();
  });
});
