import { disposeAll } from "../lifecycle/cleanup-registry.ts";
import { errorMessage } from "../errors.ts";
import { gradingHome } from "../grader-image/home.ts";

// The grade command's front: where it runs is decided before what grading on this machine needs
// is loaded. Grading in the grader image, the host only starts a container, and loading the
// harness for nothing cost a second or two of every grading.
const argv = process.argv.slice(2);
const runsHere = argv.length === 0 || argv[0] === "merge" || argv.some((a) => /^(--list|--help|-h)$/.test(a));

async function front(): Promise<number | undefined> {
  if (runsHere || (await gradingHome()) === "host") {
    await import("./main.ts");
    return undefined;
  }
  const { gradeThroughImage } = await import("../grader-image/grade-in-image.ts");
  return gradeThroughImage(argv, {
    progress: (m) => process.stderr.write(`${m}\n`),
    stdout: (c) => process.stdout.write(c),
    stderr: (c) => process.stderr.write(c),
  });
}

front().then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  async (error: unknown) => {
    await disposeAll();
    process.stderr.write(`grade: ${errorMessage(error)}\n`);
    process.exitCode = 2;
  },
);
