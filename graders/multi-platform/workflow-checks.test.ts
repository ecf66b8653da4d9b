import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Scorecard } from "../../harness/grading/scorecard.ts";
import { parseWorkflow } from "../../harness/workflow/workflow-model.ts";
import { CHECK_LIST } from "./checks.ts";
import { checkWorkflow } from "./workflow-checks.ts";

/** Each documented way to build and publish, and what the workflow checks must say of it. */
const CASES: Record<string, readonly string[]> = {
  "native-runners-merge": [],
  "digests-never-merged": ["workflow.push"],
  "matrix-qemu-exclude": ["workflow.platforms"],
  "bake-action-set": [],
  "cli-flags": [],
  "outputs-push": [],
  "arm-without-emulation": ["workflow.setup-qemu"],
  "matrix-from-json": ["workflow.platforms"],
};

describe("multi-platform workflow checks on every publishing form", () => {
  for (const [name, failing] of Object.entries(CASES)) {
    it(`${name}: ${failing.length ? failing.join(", ") : "full marks"}`, () => {
      const text = readFileSync(new URL(`./testdata/workflows/${name}.yml`, import.meta.url), "utf8");
      const card = new Scorecard(CHECK_LIST);
      checkWorkflow(parseWorkflow(text), ["linux/amd64", "linux/arm64"], card);
      const judged = card.all().filter((c) => c.id.startsWith("workflow."));
      expect(judged).toHaveLength(4);
      expect(
        judged.filter((c) => c.status !== "passed").map((c) => c.id),
        JSON.stringify(judged.map((c) => [c.id, c.message])),
      ).toEqual(failing);
    });
  }
  it("says a matrix from fromJSON is known only when the workflow runs", () => {
    const text = readFileSync(new URL("./testdata/workflows/matrix-from-json.yml", import.meta.url), "utf8");
    const model = parseWorkflow(text);
    expect(model.problems).toEqual([]);
    const card = new Scorecard(CHECK_LIST);
    checkWorkflow(model, ["linux/amd64", "linux/arm64"], card);
    expect(card.all().find((c) => c.id === "workflow.platforms")?.message).toMatch(
      /job build: matrix.platform is .* known only when the workflow runs/,
    );
  });
  it("names the native runners it relied on and the merge step", () => {
    const text = readFileSync(
      new URL("./testdata/workflows/native-runners-merge.yml", import.meta.url),
      "utf8",
    );
    const card = new Scorecard(CHECK_LIST);
    checkWorkflow(parseWorkflow(text), ["linux/amd64", "linux/arm64"], card);
    const byId = new Map(card.all().map((c) => [c.id, c]));
    expect(byId.get("workflow.setup-qemu")?.message).toContain("linux/arm64 on ubuntu-24.04-arm");
    expect(byId.get("workflow.push")?.message).toMatch(/line \d+ merges them/);
  });
});
