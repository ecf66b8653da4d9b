import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBakePrint, parseSecret } from "./bake-definition.ts";

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
      dockerfile: "Dockerfile",
      args: { X: "hello" },
      labels: { a: "b" },
      cacheTo: ["type=registry,ref=x,mode=max"],
      secrets: [
        { id: "s", env: "X" },
        { id: "npmrc", src: "/work/x/.npmrc" },
      ],
      ignored: [],
    });
  });
  it("lists settings it will not honour", () => {
    const text = JSON.stringify({ target: { t: { context: "sub", ssh: ["default"], network: "host" } } });
    expect(parseBakePrint(text, "/r")[0]).toMatchObject({ context: "/r/sub", ignored: ["ssh", "network"] });
  });
  it("parses secret specs", () => {
    expect(parseSecret("id=a,src=/abs/f", "/r")).toEqual({ id: "a", src: "/abs/f" });
    expect(parseSecret("id=a,source=rel", "/r")).toEqual({ id: "a", src: "/r/rel" });
  });
});
