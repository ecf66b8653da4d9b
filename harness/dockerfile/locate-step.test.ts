import { describe, expect, it } from "vitest";
import { parseDockerfile } from "./dockerfile-model.ts";
import { locateCreatedBy } from "./locate-step.ts";

const model = parseDockerfile(
  [
    "FROM node:20-alpine",
    "ARG NPM_TOKEN",
    "LABEL token=$NPM_TOKEN",
    "COPY package.json .npmrc ./",
    "RUN npm ci \\",
    "  && rm .npmrc",
    "COPY src ./src",
  ].join("\n"),
);

describe("locate a history entry in the Dockerfile", () => {
  it.each([
    ["RUN |1 NPM_TOKEN=abc /bin/sh -c npm ci   && rm .npmrc # buildkit", 5],
    ["COPY package.json .npmrc ./ # buildkit", 4],
    ["COPY src ./src # buildkit", 7],
    ["LABEL token=abc123", 3],
  ])("%s", (createdBy, line) => {
    expect(locateCreatedBy(model, createdBy)?.line).toBe(line);
  });
  it("returns nothing for a base image's steps", () => {
    expect(locateCreatedBy(model, '/bin/sh -c #(nop) CMD ["sh"]')).toBeUndefined();
    expect(locateCreatedBy(model, "WORKDIR /x")).toBeUndefined();
  });
});
