import { describe, expect, it } from "vitest";
import { ProgressSink } from "./progress-sink.ts";

describe("progress sink", () => {
  it("writes every message as a line in a log", () => {
    let out = "";
    const sink = new ProgressSink((t) => (out += t), undefined);
    sink.message("[01] ", "build 1/3 (cold): ✓ [2/4] RUN npm ci (3.0s)");
    sink.message("[01] ", "build 1/3 (cold) done in 9 s");
    expect(out).toBe("[01] build 1/3 (cold): ✓ [2/4] RUN npm ci (3.0s)\n[01] build 1/3 (cold) done in 9 s\n");
  });
  it("redraws finished steps on one live line in a terminal, and keeps failures", () => {
    let out = "";
    const sink = new ProgressSink((t) => (out += t), { columns: 30 });
    sink.message("", "b: ✓ [2/4] RUN npm ci --no-audit --no-fund (3.0s)");
    sink.message("", "b: = [3/4] COPY . . (cached)");
    sink.message("", "b: ✗ [4/4] RUN npm run build failed");
    expect(out).toBe(
      "\r\u001b[2Kb: ✓ [2/4] RUN npm ci --no-a…" +
        "\r\u001b[2Kb: = [3/4] COPY . . (cached)" +
        "\r\u001b[2Kb: ✗ [4/4] RUN npm run build failed\n",
    );
  });
  it("keeps a submission's escape sequences out of the terminal", () => {
    let out = "";
    new ProgressSink((t) => (out += t), undefined).message("", "x\u001b[2Jy");
    expect(out).toBe("xy\n");
  });
});
