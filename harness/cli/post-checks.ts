import { parseArgs } from "node:util";
import { readReportArtifact } from "../github/artifact-reader.ts";
import { CheckPoster } from "../github/check-poster.ts";
import { createGitHubClient } from "../github/octokit-client.ts";
import { errorMessage } from "../errors.ts";

const USAGE = `usage: post-checks --reports DIR --repo OWNER/NAME --sha HEAD_SHA [--details-url URL]
Posts one GitHub check run per report in DIR (token: GITHUB_TOKEN; API: GITHUB_API_URL).
Exit status: 0 all posted, 1 some report refused or not posted (see the log), 2 bad usage.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      reports: { type: "string" },
      repo: { type: "string" },
      sha: { type: "string" },
      "details-url": { type: "string" },
    },
  });
  const token = process.env["GITHUB_TOKEN"];
  const [owner, repo] = (values.repo ?? "").split("/");
  if (!values.reports || !owner || !repo || !values.sha || !/^[0-9a-f]{40}$/.test(values.sha) || !token) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const artifact = await readReportArtifact(values.reports);
  if (artifact.reports.length === 0 && artifact.rejected.length === 0) {
    process.stdout.write(
      `::error title=No reports::${values.reports} holds no report: the grading run produced nothing to post.\n`,
    );
    return 1;
  }
  for (const r of artifact.rejected)
    process.stdout.write(`::error title=Report refused::${r.file}: ${r.reason}\n`);
  const client = createGitHubClient({
    token,
    ...(process.env["GITHUB_API_URL"] ? { baseUrl: process.env["GITHUB_API_URL"] } : {}),
    log: (m) => process.stdout.write(`${m}\n`),
  });
  const poster = new CheckPoster(client, {
    owner,
    repo,
    headSha: values.sha,
    ...(values["details-url"] ? { detailsUrl: values["details-url"] } : {}),
  });
  let failed = artifact.rejected.length > 0;
  for (const report of artifact.reports) {
    const result = await poster.post(report);
    if (result.ok)
      process.stdout.write(
        `${report.exercise}: check run ${result.checkRunId ?? "?"} ${result.action ?? ""} (${result.requests} requests)\n`,
      );
    else {
      failed = true;
      // The grade is not lost: it stays in the report artifact.
      process.stdout.write(
        `::error title=Check not posted::${report.exercise}: ${result.error ?? "unknown error"}. The grade is in the reports artifact.\n`,
      );
    }
  }
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`post-checks: ${errorMessage(error)}\n`);
    process.exitCode = 1;
  },
);
