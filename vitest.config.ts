import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

// The integration files that take longest on 2 cores, longest first: the emulated arm64 compile,
// the learner's-machine stand-ins (two npm ci, two image builds, three gradings) and exercise 05's
// Go gradings, then the other graders. Started first, they overlap the short
// files instead of running alone at the end (a fresh clone has no timings for vitest to go by).
const LONGEST_FIRST = [
  "graders/multi-platform/",
  "harness/grader-image/homes.int.test.ts",
  "graders/ssh-mounts/",
  "graders/signing/",
  "graders/cache-mounts/",
  "graders/cache-export/",
  "graders/build-secrets/",
  "harness/farm/farm.int.test.ts",
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const at = LONGEST_FIRST.findIndex((part) => spec.moduleId.includes(`/${part}`));
      return at === -1 ? LONGEST_FIRST.length : at;
    };
    // Projects keep their order; within one, the known long files go first, the rest as before.
    const project = new Map<string, number>();
    for (const [i, spec] of sorted.entries())
      if (!project.has(spec.project.name)) project.set(spec.project.name, i);
    return sorted
      .map((spec, i) => ({ spec, i }))
      .sort(
        (a, b) =>
          (project.get(a.spec.project.name) ?? 0) - (project.get(b.spec.project.name) ?? 0) ||
          rank(a.spec) - rank(b.spec) ||
          a.i - b.i,
      )
      .map(({ spec }) => spec);
  }
}

// Four projects for two audiences. Learners' `npm test` runs `submission` (their attempted
// exercises, graded) and `unit` (no daemon, seconds). Maintainers' `npm run test:all` adds
// `maintainer` (the course's own consistency, which a learner's edits would break, and the
// CI-side GitHub tools, which start processes and take a minute) and `integration` (the engine).
export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
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
