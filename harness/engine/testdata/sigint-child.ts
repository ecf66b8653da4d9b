// Started by cleanup.int.test.ts: a grading-like run in a plain process, to be signalled.
import { runLongBuild } from "./long-build.ts";

await runLongBuild();
