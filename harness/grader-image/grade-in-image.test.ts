import { describe, expect, it } from "vitest";
import { containerEnv, engineRefusal, hostStatus } from "./grade-in-image.ts";
import { exitStatus } from "./grader-container.ts";

describe("what the grader container is given", () => {
  const facts = { mirror: undefined, hostOut: "/home/ada/course/reports", color: false };
  it("takes the grader's own settings and nothing else of the host", () => {
    const env = containerEnv(
      {
        GRADER_TIMEOUT_FACTOR: "3",
        GRADER_LIMIT_MEMORY_MIB: "2048",
        GITHUB_TOKEN: "ghs_x",
        HOME: "/home/ada",
        GRADER_HOME: "image",
        GRADER_IMAGE_DEBS: "/d",
      },
      facts,
    );
    expect(env).toMatchObject({
      GRADER_TIMEOUT_FACTOR: "3",
      GRADER_LIMIT_MEMORY_MIB: "2048",
      GRADER_HOST_OUT: "/home/ada/course/reports",
    });
    expect(Object.keys(env).filter((k) => !k.startsWith("GRADER_"))).toEqual([]);
    expect(env).not.toHaveProperty("GRADER_HOME");
    expect(env).not.toHaveProperty("GRADER_IMAGE_DEBS");
  });
  it("names a mirror only where the host reaches one, never the host's own setting", () => {
    expect(containerEnv({ GRADER_MIRROR: "none" }, facts)).not.toHaveProperty("GRADER_MIRROR");
    expect(containerEnv({}, { ...facts, mirror: "http://127.0.0.1:5000" })["GRADER_MIRROR"]).toBe(
      "http://127.0.0.1:5000",
    );
  });
  it("passes colour on when the host's terminal has it, unless NO_COLOR", () => {
    expect(containerEnv({}, { ...facts, color: true })["GRADER_COLOR"]).toBe("1");
    expect(containerEnv({ NO_COLOR: "1" }, { ...facts, color: true })).toMatchObject({ NO_COLOR: "1" });
    expect(containerEnv({ NO_COLOR: "1" }, { ...facts, color: true })).not.toHaveProperty("GRADER_COLOR");
  });
});

describe("engines that cannot run the grader image", () => {
  it.each([
    ['linux ["name=seccomp,profile=builtin","name=cgroupns"]', undefined],
    ['linux ["name=seccomp,profile=builtin","name=rootless","name=cgroupns"]', /rootless/],
    ["windows []", /Linux containers/],
  ])("%s", (line, refusal) => {
    const said = engineRefusal(line);
    if (refusal === undefined) expect(said).toBeUndefined();
    else expect(said).toMatch(refusal);
  });
  it("reads a container's exit status, or says the grading was not done", () => {
    expect(exitStatus({ StatusCode: 1 })).toBe(1);
    expect(exitStatus({ Error: null })).toBe(2);
    expect(exitStatus(undefined)).toBe(2);
  });
});

describe("the status the host's grade returns", () => {
  it("is grade's own inside, and 2 (not graded) for a container that was killed", () => {
    const said: string[] = [];
    expect([0, 1, 2].map((s) => hostStatus(s, (t) => said.push(t)))).toEqual([0, 1, 2]);
    expect(hostStatus(137, (t) => said.push(t))).toBe(2);
    expect(said).toEqual([
      "the grader container ended with status 137 (killed: out of memory, or stopped)\n",
    ]);
  });
});
