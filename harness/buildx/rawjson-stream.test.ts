import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { foldSteps, STEP_LOG_TAIL } from "./build-step.ts";
import { parseRawJson } from "./rawjson.ts";
import { RawJsonStream } from "./rawjson-stream.ts";

const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), "utf8");

describe("rawjson parsed as it streams", () => {
  it("folds the same steps as the whole capture, whatever the chunk boundaries", () => {
    for (const name of ["cold.rawjson", "warm.rawjson", "failed-network.rawjson", "cross-compile.rawjson"]) {
      const text = testdata(name);
      const whole = foldSteps(parseRawJson(text));
      for (const size of [1, 7, 4096]) {
        const stream = new RawJsonStream();
        for (let i = 0; i < text.length; i += size) stream.push(text.slice(i, i + size));
        expect(stream.steps(), `${name} in chunks of ${size}`).toEqual(whole);
        expect(stream.text()).toBe(parseRawJson(text).trailer);
      }
    }
  });

  it("loses no step to a line of the CLI's own text among the events", () => {
    const text = testdata("cold.rawjson");
    const warning = "WARNING: No output specified with remote driver.\n";
    // Between two events, past the middle: every later event must still be folded.
    const cut = text.indexOf("\n{", Math.floor(text.length / 2)) + 1;
    const mixed = `${text.slice(0, cut)}${warning}${text.slice(cut)}`;
    const stream = new RawJsonStream();
    for (let i = 0; i < mixed.length; i += 7) stream.push(mixed.slice(i, i + 7));
    expect(stream.steps()).toEqual(foldSteps(parseRawJson(text)));
    expect(stream.text()).toContain(warning.trim());
  });

  it("keeps a bounded tail of a step that prints without end", () => {
    const stream = new RawJsonStream();
    stream.push(
      JSON.stringify({ vertexes: [{ digest: "d", name: "[2/2] RUN yes", started: "2026-01-01T00:00:00Z" }] }),
    );
    const line = Buffer.from("y\n".repeat(32 * 1024)).toString("base64");
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 400; i++)
      stream.push(JSON.stringify({ logs: [{ vertex: "d", stream: 1, data: line }] }));
    stream.push(
      JSON.stringify({
        logs: [{ vertex: "d", stream: 1, data: Buffer.from("the end\n").toString("base64") }],
      }),
    );
    const [step] = stream.steps();
    expect(stream.size).toBeGreaterThan(30_000_000);
    expect(step?.log.length).toBe(STEP_LOG_TAIL);
    expect(step?.log.endsWith("y\nthe end\n")).toBe(true);
    // 26 MB of output went through; what is held stays far below it.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(20_000_000);
  });

  it("keeps only the tail of the CLI's text after the events", () => {
    const stream = new RawJsonStream();
    stream.push('{"vertexes":[]}\nERROR: ');
    stream.push("x".repeat(100_000));
    stream.push("\nfailed to solve: the end");
    expect(stream.text().length).toBeLessThanOrEqual(16 * 1024);
    expect(stream.text().endsWith("failed to solve: the end")).toBe(true);
  });
});
