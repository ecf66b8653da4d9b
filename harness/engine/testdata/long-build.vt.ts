// Run by cleanup.int.test.ts through its own vitest config, as `npm test` runs the learner's
// grading: the same long build inside a vitest worker, to be interrupted with Ctrl-C.
import { it } from "vitest";
import { runLongBuild } from "./long-build.ts";

it("builds for a long time", () => runLongBuild(), 600_000);
