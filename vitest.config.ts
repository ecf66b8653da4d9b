import { defineConfig } from "vitest/config";

// Four projects for two audiences. Learners' `npm test` runs `submission` (their attempted
// exercises, graded) and `unit` (no daemon, seconds). Maintainers' `npm run test:all` adds
// `maintainer` (the course's own consistency, which a learner's edits would break, and the
// CI-side GitHub tools, which start processes and take a minute) and `integration` (the engine).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "submission",
          // The learner's own checks run first, before the harness's suite.
          sequence: { groupOrder: 0 },
          include: ["harness/submission/*.sub.test.ts"],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
      {
        test: {
          name: "unit",
          // GitHub's workflow parser imports its JSON schema without an import attribute, which
          // Node 20 refuses: let Vite transform it instead.
          server: { deps: { inline: ["@actions/workflow-parser"] } },
          sequence: { groupOrder: 1 },
          include: ["harness/**/*.test.ts", "graders/**/*.test.ts"],
          exclude: [
            "**/*.int.test.ts",
            "**/*.sub.test.ts",
            "**/*.course.test.ts",
            "**/*.browser.test.ts",
            "harness/github/**",
            "node_modules/**",
          ],
        },
      },
      {
        test: {
          name: "maintainer",
          server: { deps: { inline: ["@actions/workflow-parser"] } },
          sequence: { groupOrder: 1 },
          include: [
            "harness/**/*.course.test.ts",
            "graders/**/*.course.test.ts",
            "harness/**/*.browser.test.ts",
            "harness/github/**/*.test.ts",
          ],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          // Fixtures are graded several at a time on two cores: a correct but emulated arm64
          // compile that takes under 5 minutes alone takes over 15 here (GRADER_TIMEOUT_FACTOR).
          env: { GRADER_TIMEOUT_FACTOR: "3" },
          sequence: { groupOrder: 2 },
          include: ["harness/**/*.int.test.ts", "graders/**/*.int.test.ts"],
          testTimeout: 2_400_000,
          hookTimeout: 300_000,
          fileParallelism: true,
          maxWorkers: 2,
        },
      },
    ],
  },
});
