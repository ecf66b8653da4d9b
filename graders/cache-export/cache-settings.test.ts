import { describe, expect, it } from "vitest";
import type { BuildStep } from "../../harness/buildx/build-step.ts";
import { bakeTarget } from "../../harness/buildx/testing/bake-target.ts";
import { parseAttributes } from "../../harness/util/csv-fields.ts";
import { overlapMs } from "./behaviour.ts";
import { cacheBytes } from "./cache-bytes.ts";
import { cacheEntry, cacheSpec, missingCacheReason } from "./cache-settings.ts";

const target = (name: string, from: string[], to: string[]) =>
  bakeTarget("/s", { name, cacheFrom: from.map(parseAttributes), cacheTo: to.map(parseAttributes) });

describe("cache entries as BuildKit reads them", () => {
  it.each([
    ["type=registry,ref=r/x:c,mode=max", "registry", "r/x:c", "max"],
    ["type=registry,ref=r/x:c", "registry", "r/x:c", "min"],
    ["r/x:c", "registry", "r/x:c", "min"],
    ["ref=r/x:c,mode=max", "registry", "r/x:c", "max"],
    ["type=inline,mode=max", "inline", undefined, "min"],
    ["type=gha,mode=max", "gha", undefined, "max"],
  ])("%s", (spec, type, ref, mode) => {
    const entry = cacheEntry(parseAttributes(spec));
    expect([entry.type, entry.ref, entry.mode]).toEqual([type, ref, mode]);
    expect(cacheSpec(entry)).toBe(spec === "r/x:c" ? "type=registry,ref=r/x:c" : spec);
  });

  it("is passed on as buildx reads it, or not at all: no key or value adds a field", () => {
    // Values that held a type=local of their own, and a key buildx would read as another.
    const smuggled = cacheEntry({
      type: "registry",
      ref: "h:5000/shop/api:c,type=local,dest=/root/x",
      mode: "max",
    });
    expect(parseAttributes(cacheSpec(smuggled) ?? "")).toEqual(smuggled.attributes);
    expect(cacheSpec(cacheEntry({ type: "registry", "ref,type=local,dest": "/root/x" }))).toBeUndefined();
    expect(cacheSpec(cacheEntry({ type: "registry", ref: "h:5000/shop/api:c", dest: "" }))).toBe(
      "type=registry,ref=h:5000/shop/api:c,dest=",
    );
  });
});

describe("why a new runner missed the cache", () => {
  it.each([
    [target("a", [], []), "exports no cache"],
    [target("a", [], ["type=inline"]), "inline cache is always min mode"],
    [target("a", [], ["type=local,dest=/tmp/c"]), "goes to local"],
    [target("a", [], ["type=registry,ref=r/a:c,mode=max"]), "never imports"],
    [target("a", ["r/a:c"], ["type=registry,ref=r/a:c"]), "min mode"],
    [target("a", ["r/a:c"], ["type=registry,ref=r/a:c,mode=max"]), "did not hold"],
    [{ ...target("a", ["r/a:c"], ["type=registry,ref=r/a:c,mode=max"]), noCache: true }, "no-cache = true"],
    [
      { ...target("a", ["r/a:c"], ["type=registry,ref=r/a:c,mode=max"]), noCacheFilter: ["deps"] },
      "no-cache-filter (deps)",
    ],
    [target("a", ["r/a"], ["type=registry,ref=r/a:latest,mode=max"]), "did not hold"],
  ])("%#", (t, reason) => {
    expect(missingCacheReason(t, [t])).toContain(reason);
  });

  it("names the other target that writes the same reference", () => {
    const a = target("a", ["r/c"], ["type=registry,ref=r/c,mode=max"]);
    const b = target("b", ["r/c"], ["type=registry,ref=r/c,mode=max"]);
    expect(missingCacheReason(a, [a, b])).toMatch(/^b writes the same cache reference/);
  });
});

describe("cache size from its manifest", () => {
  it("sums an index's entries", () => {
    expect(cacheBytes(JSON.stringify({ manifests: [{ size: 10 }, { size: 5 }] }))).toBe(15);
  });
  it("sums an image manifest's config and layers", () => {
    expect(cacheBytes(JSON.stringify({ config: { size: 3 }, layers: [{ size: 10 }, { size: "x" }] }))).toBe(
      13,
    );
  });
});

describe("steps of two builds running side by side", () => {
  const step = (start: number, end: number): BuildStep => ({
    digest: `sha256:${start}`,
    name: "[1/1] RUN x",
    stage: undefined,
    platform: undefined,
    executionPlatform: undefined,
    index: 1,
    instruction: "RUN",
    text: "RUN x",
    internal: false,
    cached: false,
    started: new Date(start),
    completed: new Date(end),
    durationMs: end - start,
    error: undefined,
    log: "",
  });
  it("measures how long both ran", () => {
    expect(overlapMs([[step(0, 100)], [step(50, 300)]])).toBe(50);
  });
  it("is zero for builds one after the other", () => {
    expect(overlapMs([[step(0, 100)], [step(200, 300)]])).toBe(0);
  });
});
