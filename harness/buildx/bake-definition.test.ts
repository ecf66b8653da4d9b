import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { attributes, isRemoteContext, parseBakePrint, parseSecret } from "./bake-definition.ts";

describe("bake --print", () => {
  it("reads the captured definition of a group's targets", () => {
    const [app, ...rest] = parseBakePrint(
      readFileSync(new URL("./testdata/bake-print.json", import.meta.url), "utf8"),
      "/work/x",
    );
    expect(rest).toEqual([]);
    expect(app).toMatchObject({
      name: "app",
      context: "/work/x",
      remoteContext: undefined,
      dockerfile: "Dockerfile",
      args: { X: "hello" },
      labels: { a: "b" },
      secrets: [
        { id: "s", env: "X" },
        { id: "npmrc", src: "/work/x/.npmrc" },
      ],
      ignored: ["cache-to"],
    });
  });
  it("lists every setting it does not apply, so none is dropped silently", () => {
    const text = JSON.stringify({
      target: { t: { context: "sub", ssh: ["default"], network: "host", tags: [], output: ["type=local"] } },
    });
    expect(parseBakePrint(text, "/r")[0]).toMatchObject({
      context: "/r/sub",
      ignored: ["ssh", "network", "output"],
    });
  });
  it("applies no-cache and no-cache-filter as bake does, and has nothing to apply for a description", () => {
    const text = JSON.stringify({
      target: {
        all: { context: ".", "no-cache": true, description: "the worker" },
        some: { context: ".", "no-cache-filter": ["deps", "test"] },
        none: { context: "." },
      },
    });
    const [all, some, none] = parseBakePrint(text, "/r");
    expect(all).toMatchObject({ noCache: true, noCacheFilter: [], ignored: [] });
    expect(some).toMatchObject({ noCache: false, noCacheFilter: ["deps", "test"], ignored: [] });
    expect(none).toMatchObject({ noCache: false, noCacheFilter: [] });
  });
  it("reads a list of bare cache references as one registry cache each, as buildx does", () => {
    const text = JSON.stringify({
      target: { t: { context: ".", "cache-from": ["r/a:cache,r/b:cache", "type=registry,ref=r/c:cache"] } },
    });
    expect(parseBakePrint(text, "/r")[0]?.cacheFrom).toEqual([
      { "r/a:cache": "" },
      { "r/b:cache": "" },
      { type: "registry", ref: "r/c:cache" },
    ]);
  });
  it("expands a default group that holds another group", () => {
    const text = JSON.stringify({
      group: { default: { targets: ["all"] }, all: { targets: ["a", "b", "a"] } },
      target: { a: { context: "." }, b: { context: "b" } },
    });
    expect(parseBakePrint(text, "/r").map((t) => t.name)).toEqual(["a", "b"]);
  });
  it("keeps a remote context apart from local paths", () => {
    const text = JSON.stringify({ target: { t: { context: "https://github.com/o/r.git#main" } } });
    expect(parseBakePrint(text, "/r")[0]).toMatchObject({ remoteContext: "https://github.com/o/r.git#main" });
    expect(isRemoteContext("git@github.com:o/r.git")).toBe(true);
    expect(isRemoteContext("./app")).toBe(false);
  });
  it("parses secret specs in every form buildx accepts", () => {
    expect(parseSecret("id=a,src=/abs/f", "/r")).toEqual({ id: "a", src: "/abs/f" });
    expect(parseSecret("id=a,source=rel", "/r")).toEqual({ id: "a", src: "/r/rel" });
    expect(parseSecret("type=env,id=NPM_TOKEN", "/r")).toEqual({ id: "NPM_TOKEN", env: "NPM_TOKEN" });
    expect(parseSecret("type=env,id=tok,src=NPM_TOKEN", "/r")).toEqual({ id: "tok", env: "NPM_TOKEN" });
    expect(parseSecret("id=NPM_TOKEN", "/r")).toEqual({ id: "NPM_TOKEN", env: "NPM_TOKEN" });
    expect(parseSecret({ id: "npmrc", src: ".npmrc" }, "/r")).toEqual({ id: "npmrc", src: "/r/.npmrc" });
    // As buildx: a field without "=" is refused, and so is an empty src (it would name the folder).
    expect(() => parseSecret("id=a,src", "/r")).toThrow(/the field "src" must be a key=value pair/);
    expect(() => parseSecret("id=a,src=", "/r")).toThrow(/src is empty/);
    expect(() => parseSecret({ id: "a", src: "" }, "/r")).toThrow(/src is empty/);
  });
  it("reads list settings in the string and the object form alike", () => {
    // Newer buildx prints objects where older versions print CSV strings; both mean the same.
    const text = JSON.stringify({
      target: {
        old: {
          "cache-from": ["type=registry,ref=r/app:cache"],
          "cache-to": ["type=registry,ref=r/app:cache,mode=max"],
          output: ["type=image,push=true"],
          platforms: ["linux/amd64", "linux/arm64"],
          tags: ["r/app:1"],
        },
        new: {
          "cache-from": [{ type: "registry", ref: "r/app:cache" }],
          "cache-to": [{ type: "registry", ref: "r/app:cache", mode: "max", "ignore-error": true }],
          output: [{ type: "image", push: "true" }],
          platforms: ["linux/amd64", "linux/arm64"],
          tags: ["r/app:1"],
          secret: [{ id: "npmrc", src: "/abs/.npmrc" }],
          contexts: {},
        },
      },
    });
    const [old, now] = parseBakePrint(text, "/r");
    expect(now).toMatchObject({
      cacheFrom: old?.cacheFrom,
      outputs: old?.outputs,
      platforms: old?.platforms,
      tags: old?.tags,
      secrets: [{ id: "npmrc", src: "/abs/.npmrc" }],
    });
    expect(now?.cacheTo).toEqual([
      { type: "registry", ref: "r/app:cache", mode: "max", "ignore-error": "true" },
    ]);
    // An empty object is as good as absent.
    expect(now?.ignored).toEqual(["cache-from", "cache-to", "output", "platforms", "tags"]);
    expect(attributes('id=a,"src=/p/with,comma"')).toEqual({ id: "a", src: "/p/with,comma" });
    expect(attributes(["not", "a", "spec"])).toEqual({});
  });
});
