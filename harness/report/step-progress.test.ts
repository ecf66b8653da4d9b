import { describe, expect, it } from "vitest";
import { stepLine, stepProgress } from "./step-progress.ts";

describe("build step progress", () => {
  it("shows each finished step once, cached or timed", () => {
    let t = 0;
    const lines: string[] = [];
    const on = stepProgress(
      "build 1/3 cold",
      (l) => lines.push(l),
      () => t,
    );
    on({ name: "[build 2/4] COPY package.json ./", state: "cached" });
    on({ name: "[build 3/4] RUN npm ci", state: "started" });
    t = 12_340;
    on({ name: "[build 3/4] RUN npm ci", state: "done" });
    on({ name: "[build 4/4] RUN npm run build", state: "error" });
    expect(lines).toEqual([
      "build 1/3 cold: = [build 2/4] COPY package.json ./ (cached)",
      "build 1/3 cold: ✓ [build 3/4] RUN npm ci (12.3s)",
      "build 1/3 cold: ✗ [build 4/4] RUN npm run build failed",
    ]);
  });
  it("shortens a long step name", () => {
    expect(stepLine("b", { name: "x".repeat(200), state: "cached" }, undefined)?.length).toBeLessThan(140);
  });
});
