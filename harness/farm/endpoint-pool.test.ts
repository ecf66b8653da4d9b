import { describe, expect, it } from "vitest";
import { EndpointPool } from "./endpoint-pool.ts";
import { parseEndpoints } from "./endpoints.ts";

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe("a farm's endpoints", () => {
  it("are read from GRADER_BUILDKIT_ENDPOINTS, one grading each, and refused with a reason", () => {
    expect(
      parseEndpoints("tcp://10.0.0.5:1234, kube-pod://buildkitd-0\nunix:///run/buildkit.sock=1"),
    ).toEqual({
      ok: true,
      endpoints: [
        { address: "tcp://10.0.0.5:1234", slots: 1 },
        { address: "kube-pod://buildkitd-0", slots: 1 },
        { address: "unix:///run/buildkit.sock", slots: 1 },
      ],
    });
    expect(parseEndpoints("")).toMatchObject({ ok: false });
    const refused = parseEndpoints("http://x:1");
    expect(refused.ok || refused.message).toContain("http://x:1");
    expect(parseEndpoints("tcp://a:1=0")).toMatchObject({ ok: false });
    // One daemon is one cache: two gradings on it would see each other's builds.
    const shared = parseEndpoints("tcp://a:1=4");
    expect(shared.ok || shared.message).toContain("one cache");
    const twice = parseEndpoints("tcp://a:1,tcp://a:1");
    expect(twice.ok || twice.message).toContain("twice");
  });
});

describe("the endpoint pool", () => {
  it("never runs more than an endpoint's slots at once, and uses every endpoint", async () => {
    const pool = new EndpointPool([
      { address: "tcp://a:1", slots: 2 },
      { address: "tcp://b:1", slots: 1 },
    ]);
    expect(pool.capacity).toBe(3);
    const running = new Map<string, number>();
    const peak = new Map<string, number>();
    const job = async (endpoint: string) => {
      running.set(endpoint, (running.get(endpoint) ?? 0) + 1);
      peak.set(endpoint, Math.max(peak.get(endpoint) ?? 0, running.get(endpoint) ?? 0));
      await tick();
      running.set(endpoint, (running.get(endpoint) ?? 0) - 1);
      return "graded";
    };
    const runs = await Promise.all(Array.from({ length: 12 }, () => pool.run(job, () => undefined)));
    expect(runs.every((r) => r.result === "graded" && r.failed.length === 0)).toBe(true);
    expect(peak.get("tcp://a:1")).toBe(2);
    expect(peak.get("tcp://b:1")).toBe(1);
    expect(
      pool
        .stats()
        .map((s) => s.jobs)
        .reduce((a, b) => a + b),
    ).toBe(12);
    expect(pool.stats().every((s) => s.jobs > 0)).toBe(true);
  });

  it("runs a job the endpoint failed again elsewhere, and takes a failing endpoint out of the rotation", async () => {
    const pool = new EndpointPool(
      [
        { address: "tcp://broken:1", slots: 1 },
        { address: "tcp://good:1", slots: 1 },
      ],
      { downAfter: 2 },
    );
    const job = async (endpoint: string) => {
      await tick();
      return endpoint === "tcp://broken:1" ? "engine lost" : "graded";
    };
    const failure = (r: string) => (r === "graded" ? undefined : r);
    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await pool.run(job, failure));
    expect(runs.every((r) => r.result === "graded" && r.endpoint === "tcp://good:1")).toBe(true);
    // The broken endpoint failed twice (the first two jobs), then was left out.
    expect(runs.flatMap((r) => r.failed.map((f) => f.endpoint))).toEqual([
      "tcp://broken:1",
      "tcp://broken:1",
    ]);
    expect(pool.stats()).toEqual([
      { address: "tcp://broken:1", slots: 1, jobs: 2, failures: 2, down: true },
      { address: "tcp://good:1", slots: 1, jobs: 5, failures: 0, down: false },
    ]);
  });

  it("keeps the last result when every endpoint failed the job, and says so", async () => {
    const pool = new EndpointPool([
      { address: "tcp://a:1", slots: 1 },
      { address: "tcp://b:1", slots: 1 },
    ]);
    const run = await pool.run(
      (e) => Promise.resolve(`lost on ${e}`),
      (r) => r,
    );
    expect(run.failed.map((f) => f.endpoint).sort()).toEqual(["tcp://a:1", "tcp://b:1"]);
    expect(run.result).toMatch(/^lost on /);
  });

  it("frees the slot when a job throws", async () => {
    const pool = new EndpointPool([{ address: "tcp://a:1", slots: 1 }]);
    await expect(
      pool.run(
        () => Promise.reject(new Error("boom")),
        () => undefined,
      ),
    ).rejects.toThrow("boom");
    expect(
      (
        await pool.run(
          () => Promise.resolve("ok"),
          () => undefined,
        )
      ).result,
    ).toBe("ok");
  });
});
