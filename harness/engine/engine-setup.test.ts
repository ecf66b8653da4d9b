import { describe, expect, it } from "vitest";
import { planEngine, type EngineFacts } from "./engine-setup.ts";

const fresh: EngineFacts = {
  platform: "linux",
  root: true,
  debianLike: true,
  provisioned: false,
  mirrorAnswers: false,
  dockerAnswers: false,
  optOut: false,
};

describe("what grading needs before it can build", () => {
  it("sets the engine up itself on a fresh Debian or Ubuntu machine as root", () => {
    expect(planEngine(fresh)).toEqual({ kind: "provision", why: "no Docker engine answers on this machine" });
  });
  it("restarts the base-image registry of an installed engine (after a reboot)", () => {
    expect(planEngine({ ...fresh, provisioned: true })).toMatchObject({ kind: "provision" });
    expect(planEngine({ ...fresh, provisioned: true, mirrorAnswers: true })).toEqual({ kind: "ready" });
  });
  it("uses a Docker engine that answers, and never provisions over it", () => {
    expect(planEngine({ ...fresh, dockerAnswers: true })).toEqual({ kind: "ready" });
    expect(planEngine({ ...fresh, root: false, dockerAnswers: true, platform: "darwin" })).toEqual({
      kind: "ready",
    });
  });
  it("gives the next step for each other machine", () => {
    const hint = (f: Partial<EngineFacts>) => {
      const plan = planEngine({ ...fresh, ...f });
      return plan.kind === "advise" ? plan.hint : plan.kind;
    };
    expect(hint({ root: false })).toMatch(/^Run sudo bash harness\/engine\/provision.sh once/);
    expect(hint({ optOut: true })).toMatch(/^Run bash harness\/engine\/provision.sh once/);
    expect(hint({ platform: "darwin", root: false, debianLike: false })).toMatch(/Docker Desktop/);
    expect(hint({ platform: "win32", root: false, debianLike: false })).toMatch(/Docker Desktop/);
    expect(hint({ debianLike: false })).toMatch(/Docker Engine with the buildx plugin/);
  });
});
