import { describe, expect, it } from "vitest";
import { stripSyntaxDirective } from "./syntax-directive.ts";

describe("syntax directive", () => {
  it("blanks the directive and keeps line numbers", () => {
    const edit = stripSyntaxDirective("# syntax=docker/dockerfile:1\nFROM busybox\nRUN true\n");
    expect(edit.removed).toBe("docker/dockerfile:1");
    expect(edit.text.split("\n")).toHaveLength(4);
    expect(edit.text.split("\n")[1]).toBe("FROM busybox");
  });
  it("finds it after another directive, ignores it after an instruction", () => {
    expect(stripSyntaxDirective("# escape=`\n# syntax = docker/dockerfile:1.4\nFROM a").removed).toBe(
      "docker/dockerfile:1.4",
    );
    expect(stripSyntaxDirective("FROM a\n# syntax=docker/dockerfile:1\n").removed).toBeUndefined();
    expect(stripSyntaxDirective("# a comment\n# syntax=docker/dockerfile:1\nFROM a").removed).toBeUndefined();
  });
});
