import { parseArgs } from "node:util";
import { readFile, writeFile } from "node:fs/promises";
import { flaggedEdits } from "../grading/flagged-edits.ts";
import { gradeBatch } from "../grading/batch.ts";
import { readClassResults, writeClassOutputs } from "../grading/class-results.ts";
import { parseShard } from "../grading/shard.ts";
import { EndpointPool } from "../farm/endpoint-pool.ts";
import { parseEndpoints } from "../farm/endpoints.ts";
import { servicePublicationFromEnv } from "../engine/service-host.ts";
import { join, resolve } from "node:path";
import { renderJunit } from "../report/junit-report.ts";
import { renderMarkdown } from "../report/markdown-report.ts";
import { ProgressSink } from "../report/progress-sink.ts";
import { renderHtml } from "../report/html-report.ts";
import { validateReport } from "../report/report-schema.ts";
import { listExercises, loadExercise } from "../grading/exercise.ts";
import { loadGrader } from "../grading/grader-loader.ts";
import { gradeExercise, writeReport } from "../grading/run-grading.ts";
import type { GradeReport } from "../grading/grade-report.ts";
import { renderTerminal } from "../report/terminal-report.ts";
import { stripControl } from "../report/safe-text.ts";
import { disposeAll } from "../lifecycle/cleanup-registry.ts";
import { errorMessage } from "../errors.ts";

const USAGE = `usage: grade <exercise-id> [--submission DIR] [--out DIR] [--force] [--changed-files FILE]
       grade --all [--out DIR]
       (either also takes --quiet: no progress lines, or --json: the reports as JSON on stdout)
       grade <exercise-id> --batch DIR [--jobs N] [--shard K/N] [--out DIR]   (one subfolder per learner)
       grade merge DIR... [--out DIR]   (the outputs of several shards, as one class)
       grade --list

Grades your files for an exercise and writes a JSON report (default folder: reports/).
With GRADER_BUILDKIT_ENDPOINTS (tcp://host:port=SLOTS,... : a farm of BuildKit endpoints), a
--batch is spread over the farm, each endpoint running SLOTS gradings at once; a grading an
endpoint fails is run again on another one, and the report says where it was graded. Endpoints
on other machines reach each run's registry and services at GRADER_SERVICE_HOST (an address of
this machine; their daemons must treat it as a plain-HTTP registry).
Exit status: 0 every check passed, 1 some check failed, 2 grading could not be done.`;

/** Why exercise `id` cannot be graded on a farm (its grader needs new builders), if it cannot. */
async function farmRefusal(id: string): Promise<string | undefined> {
  const exercise = await loadExercise(id).catch(() => undefined);
  // An unknown exercise is reported by the grading itself.
  if (!exercise) return undefined;
  const fresh = (await loadGrader(exercise)).freshBuilders ?? 0;
  return fresh > 0
    ? `${id} builds on ${String(fresh)} new builder(s) besides the first in each grading (new CI runners), which a farm's endpoint (one BuildKit daemon) cannot give: grade it without GRADER_BUILDKIT_ENDPOINTS.`
    : undefined;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        submission: { type: "string" },
        out: { type: "string", default: "reports" },
        all: { type: "boolean", default: false },
        list: { type: "boolean", default: false },
        force: { type: "boolean", default: false },
        "changed-files": { type: "string" },
        batch: { type: "string" },
        jobs: { type: "string", default: "2" },
        shard: { type: "string" },
        quiet: { type: "boolean", short: "q", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals[0] === "merge") return merge(positionals.slice(1), resolve(values.out));
  const exercises = await listExercises();
  if (values.list) {
    for (const e of exercises) process.stdout.write(`${e.id}\t${e.title}\n`);
    return 0;
  }
  const ids = values.all ? exercises.map((e) => e.id) : positionals;
  if (ids.length !== 1 && !values.all) {
    process.stderr.write(
      `${ids.length === 0 ? "name one exercise" : "name only one exercise (or use --all)"}\n\n${USAGE}\n`,
    );
    return 2;
  }
  const unknown = ids.filter((id) => !exercises.some((e) => e.id === id));
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown exercise ${unknown.join(", ")}; known: ${exercises.map((e) => e.id).join(", ")} (grade --list)\n`,
    );
    return 2;
  }
  if (values.batch) {
    const id = ids[0];
    if (!id || values.all) {
      process.stderr.write("--batch grades one exercise: name it\n");
      return 2;
    }
    const shard = values.shard === undefined ? undefined : parseShard(values.shard);
    if (shard && !shard.ok) {
      process.stderr.write(`${shard.message}\n`);
      return 2;
    }
    const out = resolve(values.out);
    // A farm of BuildKit endpoints, when the instructor has one: the batch spreads over it.
    const farmText = process.env["GRADER_BUILDKIT_ENDPOINTS"];
    const endpoints = farmText === undefined ? undefined : parseEndpoints(farmText);
    if (endpoints && !endpoints.ok) {
      process.stderr.write(`${endpoints.message}\n`);
      return 2;
    }
    const publication = servicePublicationFromEnv();
    if (endpoints && !publication.ok) {
      process.stderr.write(`${publication.message}\n`);
      return 2;
    }
    const farm = endpoints?.ok ? new EndpointPool(endpoints.endpoints) : undefined;
    const unsuited = farm ? await farmRefusal(id) : undefined;
    if (unsuited) {
      process.stderr.write(`${unsuited}\n`);
      return 2;
    }
    const entries = await gradeBatch(id, resolve(values.batch), {
      jobs: Number(values.jobs) || 2,
      shard: shard?.shard,
      out,
      farm,
      onDone: ({ learner, report, reused }, done, total) =>
        process.stderr.write(
          `[${done}/${total}] ${stripControl(learner)}: ${report.status} ${report.score}/${report.maxScore}${reused ? " (unchanged since the last run: report kept)" : ""}\n`,
        ),
    });
    const table = await writeClassOutputs(out, id, entries);
    process.stdout.write(table);
    for (const e of farm?.stats() ?? [])
      process.stderr.write(
        `endpoint ${e.address}: ${e.jobs} grading(s), ${e.failures} failed${e.down ? ", taken out of the rotation" : ""}\n`,
      );
    return entries.some((e) => e.report.status === "error")
      ? 2
      : entries.some((e) => e.report.status === "failed")
        ? 1
        : 0;
  }
  if (values.all && values.submission) {
    process.stderr.write("--submission applies to one exercise, not to --all\n");
    return 2;
  }
  // In the grader image, stdout is the container's: the host says whether it is a terminal.
  const color = (process.stdout.isTTY || process.env["GRADER_COLOR"] === "1") && !process.env["NO_COLOR"];
  // In a pull request: edits outside the workspaces are not used, and each report says so.
  const changed = values["changed-files"]
    ? (await readFile(values["changed-files"], "utf8")).split("\n")
    : [];
  const flagged = flaggedEdits(
    changed,
    exercises.map((e) => e.id),
  );
  const reports: GradeReport[] = [];
  const sink = new ProgressSink(
    (t) => process.stderr.write(t),
    process.stderr.isTTY ? { columns: process.stderr.columns } : undefined,
  );
  for (const id of ids) {
    const graded = await gradeExercise(id, {
      ...(values.submission ? { submission: resolve(values.submission) } : {}),
      force: values.force,
      progress:
        values.quiet || values.json
          ? () => undefined
          : (m) => {
              sink.message(`[${id}] `, m);
            },
    });
    sink.end();
    const report = flagged.length > 0 ? { ...graded, flaggedEdits: flagged } : graded;
    const valid = validateReport(JSON.parse(JSON.stringify(report)));
    if (!valid.ok)
      process.stderr.write(
        `warning: the report does not meet its schema (a grader bug): ${valid.errors.join("; ")}\n`,
      );
    const file = await writeReport(report, resolve(values.out));
    if (!values.json)
      process.stdout.write(
        `${renderTerminal(report, { color })}\n  report: ${hostPath(file, resolve(values.out))}\n\n`,
      );
    reports.push(report);
  }
  // Scripts read one JSON document: a report, or an array of them for --all.
  if (values.json) process.stdout.write(`${JSON.stringify(values.all ? reports : reports[0], null, 2)}\n`);
  await writeFile(join(resolve(values.out), "summary.md"), renderMarkdown(reports));
  await writeFile(join(resolve(values.out), "index.html"), renderHtml(reports));
  await writeFile(join(resolve(values.out), "junit.xml"), renderJunit(reports));
  if (reports.some((r) => r.status === "error")) return 2;
  if (reports.some((r) => r.status === "failed")) return 1;
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    await disposeAll();
    process.stderr.write(`grade: ${errorMessage(error)}\n`);
    process.exitCode = 2;
  },
);

/** A path under the output folder as the host names it, when this runs in the grader image. */
function hostPath(file: string, out: string): string {
  const hostOut = process.env["GRADER_HOST_OUT"];
  return hostOut && file.startsWith(`${out}/`) ? join(hostOut, file.slice(out.length + 1)) : file;
}

/** `grade merge DIR...`: several shards' outputs as one class, with the class views written to out. */
async function merge(dirs: readonly string[], out: string): Promise<number> {
  if (dirs.length === 0) {
    process.stderr.write(`grade merge needs the shards' output folders\n\n${USAGE}\n`);
    return 2;
  }
  const results = await readClassResults(dirs.map((d) => resolve(d)));
  for (const problem of results.problems) process.stderr.write(`${stripControl(problem)}\n`);
  if (results.problems.length > 0 || !results.exercise) {
    process.stderr.write(
      results.exercise
        ? "The shards do not merge cleanly: fix or re-run the folders named above.\n"
        : "No report found in those folders: pass the --out folders of grade --batch --shard.\n",
    );
    return 2;
  }
  const table = await writeClassOutputs(out, results.exercise, results.entries);
  process.stdout.write(table);
  const statuses = results.entries.map((e) => e.report.status);
  return statuses.includes("error") ? 2 : statuses.includes("failed") ? 1 : 0;
}
