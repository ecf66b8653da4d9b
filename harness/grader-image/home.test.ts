import { describe, expect, it } from "vitest";
import { chooseHome, homeSetting, type HomeFacts } from "./home.ts";

const laptop: HomeFacts = {
  inImage: false,
  setting: "auto",
  remote: false,
  hostEngines: false,
  dockerAnswers: true,
};

describe("where a grading runs", () => {
  it.each([
    { why: "a laptop or a GitHub runner: only a Docker engine", facts: laptop, home: "image" },
    {
      why: "a provisioned Linux root: the host starts the run's engines",
      facts: { ...laptop, hostEngines: true },
      home: "host",
    },
    {
      why: "inside the image itself",
      facts: { ...laptop, inImage: true, setting: "image" as const },
      home: "host",
    },
    { why: "a farm: the host drives the endpoints", facts: { ...laptop, remote: true }, home: "host" },
    {
      why: "nothing answers: the host's set-up says what to do",
      facts: { ...laptop, dockerAnswers: false },
      home: "host",
    },
    {
      why: "GRADER_HOME=image on a provisioned host",
      facts: { ...laptop, hostEngines: true, setting: "image" as const },
      home: "image",
    },
    { why: "GRADER_HOME=host on a laptop", facts: { ...laptop, setting: "host" as const }, home: "host" },
  ])("$why", ({ facts, home }) => {
    expect(chooseHome(facts)).toBe(home);
  });

  it("reads GRADER_HOME, refusing what it does not know", () => {
    expect(homeSetting(undefined)).toBe("auto");
    expect(homeSetting("")).toBe("auto");
    expect(homeSetting("image")).toBe("image");
    expect(() => homeSetting("docker")).toThrow(/GRADER_HOME=docker is not one of auto, host, image/);
  });
});
