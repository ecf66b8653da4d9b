import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadExercise } from "../../harness/grading/exercise.ts";
import { goSumLines, hash1 } from "./go-sum.ts";
import { MODULE, MODULE_DIR, MODULE_VERSION } from "./project.ts";

describe("go.sum of the private module", () => {
  it("computes Go's h1 hash (sha256 of the sorted per-file summary)", () => {
    // Two files: the summary lines are sorted by name, whatever order they come in.
    expect(hash1({ b: "2", a: "1" })).toBe(hash1({ a: "1", b: "2" }));
    expect(hash1({ "go.mod": "module x\n" })).toMatch(/^h1:[A-Za-z0-9+/]{43}=$/);
  });

  it("pins, in the handed-out go.sum, exactly the module the run's Git server serves", async () => {
    const exercise = await loadExercise("05-ssh-heredocs-mounts");
    const dir = join(exercise.dir, MODULE_DIR);
    const files = Object.fromEntries(
      await Promise.all(
        (await readdir(dir)).map(async (n) => [n, await readFile(join(dir, n), "utf8")] as const),
      ),
    );
    expect(await readFile(join(exercise.workspace, "go.sum"), "utf8")).toBe(
      goSumLines(MODULE, MODULE_VERSION, files),
    );
  });
});
