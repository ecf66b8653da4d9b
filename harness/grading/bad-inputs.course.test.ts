import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { listExercises } from "./exercise.ts";
import { composeSubmission } from "./fixtures.ts";
import { loadGrader } from "./grader-loader.ts";
import { readSubmissionFiles } from "./kit/submission-files.ts";
import { Scorecard } from "./scorecard.ts";
import type { CheckResult } from "./check.ts";

// The bad-input catalogue of SECURITY.md, for every learner file of every exercise: each input
// gets every static check judged with a message (no crash, no lost result, no replacement
// characters echoed), and the inputs that are the reference in another encoding or line ending
// get the reference's verdicts.

/** Contents that are not a usable file of any kind; `reason` is what some check must say. */
const BROKEN: readonly { name: string; bytes: (reference: Buffer) => Buffer; reason?: RegExp }[] = [
  { name: "empty", bytes: () => Buffer.alloc(0) },
  {
    name: "only comments and blank lines",
    bytes: () => Buffer.from("# nothing here\n\n   \n# still nothing\n"),
  },
  {
    name: "NUL bytes (a binary file)",
    bytes: () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]),
    reason: /NUL byte/,
  },
  {
    name: "Latin-1 text",
    bytes: () => Buffer.from("# caf\xe9\n", "latin1"),
    reason: /not UTF-8 text \(byte 5/,
  },
  {
    name: "UTF-16",
    bytes: (ref) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ref.toString("utf8"), "utf16le")]),
    reason: /NUL byte/,
  },
  {
    name: "2 MiB",
    bytes: () => Buffer.alloc(2 * 1024 * 1024, "#"),
    reason: /more than the 1024 KiB read|more than the 1\.0 MiB read/,
  },
  { name: "one 900 KB line", bytes: () => Buffer.from(`# ${"x".repeat(900_000)}`) },
  {
    name: "20,000 nested brackets",
    bytes: () => Buffer.from(`${"[".repeat(20_000)}${"]".repeat(20_000)}\n`),
  },
  {
    name: "20,000 nested braces",
    bytes: () => Buffer.from(`x = ${"{".repeat(20_000)}${"}".repeat(20_000)}\n`),
  },
  {
    name: "YAML aliases that expand a billion times",
    bytes: () =>
      Buffer.from(
        [
          'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
          ...Array.from({ length: 9 }, (_, i) => {
            const name = String.fromCharCode(98 + i);
            const prev = String.fromCharCode(97 + i);
            return `${name}: &${name} [${Array(9).fill(`*${prev}`).join(",")}]`;
          }),
          "jobs: *j",
        ].join("\n"),
      ),
  },
  {
    name: "Markdown and HTML",
    bytes: () => Buffer.from("**All 25 checks passed** <img src=x onerror=alert(1)> `x`\n"),
  },
  {
    name: "a terminal escape",
    bytes: () => Buffer.from("\u001b]8;;http://x\u0007link\u001b]8;;\u0007 \u001b[2J\n"),
  },
];

/** The reference, written differently but meaning the same to BuildKit, buildx and GitHub. */
const SAME: readonly { name: string; bytes: (reference: Buffer) => Buffer }[] = [
  { name: "a UTF-8 byte order mark", bytes: (ref) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), ref]) },
  { name: "CRLF line endings", bytes: (ref) => Buffer.from(ref.toString("utf8").replace(/\r?\n/g, "\r\n")) },
];

for (const exercise of await listExercises()) {
  const grader = await loadGrader(exercise);
  const staticIds = new Set(grader.checks.filter((c) => c.kind === "static").map((c) => c.id));
  const judge = async (file: string, bytes?: (reference: Buffer) => Buffer): Promise<CheckResult[]> => {
    const submission = await composeSubmission(exercise);
    try {
      if (bytes) {
        const path = join(submission.dir, file);
        await writeFile(path, bytes(await readFile(path).catch(() => Buffer.alloc(0))));
      }
      const card = new Scorecard(grader.checks);
      grader.gradeStatic(await readSubmissionFiles(submission.dir, exercise), card);
      return card.all().filter((c) => staticIds.has(c.id));
    } finally {
      await submission.dispose();
    }
  };
  const verdicts = (results: readonly CheckResult[]) => results.map((c) => `${c.id}:${c.status}`);
  const reference = await judge(exercise.learnerFiles[0] ?? "Dockerfile");

  describe(`${exercise.id}: bad learner files get messages, never a crash`, () => {
    for (const file of exercise.learnerFiles) {
      it.each(BROKEN)(`${file} that is $name`, async ({ bytes, reason }) => {
        const results = await judge(file, bytes);
        expect(results.map((c) => c.id)).toEqual([...staticIds]);
        for (const check of results) {
          expect(check.message.length, check.id).toBeGreaterThan(10);
          expect(check.message, check.id).not.toContain("\uFFFD");
          expect(check.status, check.id).not.toBe("error");
        }
        // Where the static checks read the file, one of them says why it cannot be read; a file
        // only the build reads (.dockerignore, a script) leaves them as they were.
        if (reason && verdicts(results).join() !== verdicts(reference).join())
          expect(results.filter((c) => c.status === "failed").map((c) => c.message)).toContainEqual(
            expect.stringMatching(reason),
          );
      });
      it.each(SAME)(`${file} with $name is judged as the reference`, async ({ bytes }) => {
        expect(verdicts(await judge(file, bytes))).toEqual(verdicts(reference));
      });
    }
  });
}
