import { describe, expect, it } from "vitest";
import { parseVertexName } from "./vertex-name.ts";

describe("vertex names", () => {
  it.each([
    [
      "[linux/arm64 builder 3/5] RUN go build .",
      { platform: "linux/arm64", stage: "builder", index: 3, total: 5, instruction: "RUN" },
    ],
    [
      "[stage-1 2/2] COPY --from=0 /a /b",
      { platform: undefined, stage: "stage-1", index: 2, instruction: "COPY" },
    ],
    ["[2/3] RUN npm ci", { stage: undefined, index: 2, instruction: "RUN" }],
    [
      "[linux/arm/v7 final 1/1] FROM docker.io/library/busybox",
      { platform: "linux/arm/v7", stage: "final", instruction: "FROM" },
    ],
    [
      "[linux/amd64 internal] load metadata for docker.io/library/busybox:latest",
      { internal: true, instruction: undefined, stage: undefined },
    ],
    ["exporting to image", { internal: true, instruction: undefined, text: "exporting to image" }],
  ])("%s", (name, expected) => {
    expect(parseVertexName(name)).toMatchObject(expected);
  });
});
