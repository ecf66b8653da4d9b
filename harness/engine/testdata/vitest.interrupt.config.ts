import { defineConfig } from "vitest/config";

// Only for the Ctrl-C test: one long grading-like build in a worker, as `npm test` runs it.
export default defineConfig({
  test: { include: ["harness/engine/testdata/long-build.vt.ts"], testTimeout: 600_000 },
});
