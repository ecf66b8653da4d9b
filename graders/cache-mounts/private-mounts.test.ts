import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../../harness/dockerfile/dockerfile-model.ts";
import { mayTakePrivateCacheMount } from "./private-mounts.ts";

const withMount = (mount: string): string =>
  ["FROM node:20-alpine", "WORKDIR /app", "COPY package*.json ./", `RUN --mount=${mount} npm ci`].join("\n");

describe("mayTakePrivateCacheMount", () => {
  it("is false for shared (the default) and locked cache mounts", () => {
    for (const mount of [
      "type=cache,target=/root/.npm",
      "type=cache,target=/root/.npm,sharing=shared",
      "type=cache,target=/root/.npm,sharing=locked",
      "type=cache,target=/root/.npm,SHARING=Locked",
    ])
      expect(mayTakePrivateCacheMount(parseDockerfile(withMount(mount))), mount).toBe(false);
  });

  it("is true for a private mode, one spelled in another case or another mount type, and one a build argument sets", () => {
    for (const mount of [
      "type=cache,target=/root/.npm,sharing=private",
      "type=cache,target=/root/.npm,sharing=PRIVATE",
      "Type=cache,target=/root/.npm,sharing=private",
      "type=cache,target=/root/.npm,sharing=$MODE",
      "type=cache,target=/root/.npm,sharing=${MODE:-locked}",
    ])
      expect(mayTakePrivateCacheMount(parseDockerfile(withMount(mount))), mount).toBe(true);
  });

  it("looks at every stage", () => {
    const text = `${withMount("type=cache,target=/root/.npm")}\nFROM node:20-alpine AS runtime\nRUN --mount=type=cache,target=/root/.npm,sharing=private npm ci --omit=dev\n`;
    expect(mayTakePrivateCacheMount(parseDockerfile(text))).toBe(true);
  });
});
