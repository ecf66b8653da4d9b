import { describe, expect, it } from "vitest";
import { bakeError } from "./bake-file.ts";

describe("bake's error output", () => {
  it("keeps buildx's message and the line HCL names, without the progress and the quoted source", () => {
    const stderr = [
      "#1 [internal] load local bake definitions",
      "#1 DONE 0.0s",
      "docker-bake.hcl:3",
      "--------------------",
      '   2 |     group "default" { targets = ["api"] }',
      ' >>> 3 | target "x" { y = ${nope} }',
      "--------------------",
      'ERROR: docker-bake.hcl:3,20-24: Unknown variable; There is no variable named "nope".',
    ].join("\n");
    expect(bakeError(stderr, "docker-bake.hcl", "/sub")).toEqual({
      message: 'docker-bake.hcl:3,20-24: Unknown variable; There is no variable named "nope".',
      line: 3,
    });
  });

  it("does not echo paths outside the submission", () => {
    expect(bakeError("ERROR: open /etc/shadow: permission denied", "docker-bake.hcl", "/sub").message).toBe(
      "open <a path outside the submission>: permission denied",
    );
  });
});
