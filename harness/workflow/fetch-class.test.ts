import { lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exec } from "../exec/exec.ts";
import { REPO_ROOT } from "../grading/exercise.ts";

// grade-class.yml's fetch script, run on local repositories standing in for learners' forks
// (FORGE points at them): a workspace that is a link must never bring in what it points at.
const SCRIPT = join(REPO_ROOT, ".github/scripts/fetch-class.sh");
const EXERCISE = "01-cache-mounts";
let dir: string;
let forge: string;
let work: string;

const git = (cwd: string, ...args: string[]) =>
  exec("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd,
    timeoutMs: 30_000,
  });

/** A learner's repository at `owner/name` whose workspace is made by `fill`; returns its head. */
async function fork(name: string, fill: (workspace: string) => Promise<void>): Promise<string> {
  const repo = join(dir, "src", name);
  const workspace = join(repo, "exercises", EXERCISE, "workspace");
  await mkdir(join(repo, "exercises", EXERCISE), { recursive: true });
  await fill(workspace);
  await git(repo, "init", "-q", "-b", "main");
  await git(repo, "add", "-A");
  await git(repo, "commit", "-qm", "work");
  await mkdir(join(forge, name), { recursive: true });
  await git(dir, "clone", "-q", "--bare", repo, join(forge, `${name}.git`));
  return (await git(repo, "rev-parse", "HEAD")).stdout.trim();
}

describe("grade-class's fetch of the class", { timeout: 120_000 }, () => {
  let result: Awaited<ReturnType<typeof exec>>;
  // A classmate's folder already fetched, and a secret on the runner, that links aim at.
  let canary: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "fetch-class-"));
    forge = join(dir, "forge");
    work = join(dir, "run");
    await mkdir(work);
    canary = join(dir, "runner-secret");
    await writeFile(canary, "the runner's own file\n");
    const plain = await fork("ada/lesson", async (ws) => {
      await mkdir(ws);
      await writeFile(join(ws, "Dockerfile"), "FROM node:20\n");
    });
    const second = await fork("ada/lesson-again", async (ws) => {
      await mkdir(ws);
      await writeFile(join(ws, "Dockerfile"), "FROM node:20 AS second\n");
    });
    const toClassmate = await fork("bob/lesson", (ws) => symlink(join(work, "class/ada"), ws));
    const toSolution = await fork("eve/lesson", (ws) =>
      symlink(join(REPO_ROOT, "exercises", EXERCISE, "solution"), ws),
    );
    const inner = await fork("mal/lesson", async (ws) => {
      await mkdir(ws);
      await symlink(canary, join(ws, "Dockerfile"));
    });
    const roster = [
      `ada ada/lesson ${plain}`,
      `bob bob/lesson ${toClassmate}`,
      `eve eve/lesson ${toSolution}`,
      `mal mal/lesson ${inner}`,
      `ada ada/lesson-again ${second}`,
    ];
    await writeFile(join(work, "class.txt"), `${roster.join("\n")}\n`);
    result = await exec("bash", [SCRIPT], {
      cwd: work,
      env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", EXERCISE, FORGE: forge, HOME: dir },
      reject: false,
      timeoutMs: 90_000,
    });
    // Five repositories made and fetched with git: seconds alone, longer beside a busy suite.
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("fetches each learner's workspace, and a second pull request of one author beside the first", async () => {
    expect(result.exitCode, result.stderr).toBe(0);
    expect(await readFile(join(work, "class/ada/Dockerfile"), "utf8")).toBe("FROM node:20\n");
    expect(await readFile(join(work, "class/ada.2/Dockerfile"), "utf8")).toBe("FROM node:20 AS second\n");
  });

  it("refuses a workspace that is a link (to a classmate, to the solution), naming the learner", async () => {
    const fetched = (await readdir(join(work, "class"))).sort();
    expect(fetched).toEqual(["ada", "ada.2", "mal"]);
    expect(result.stdout).toContain(
      `::warning::bob: exercises/${EXERCISE}/workspace in bob/lesson is not a folder`,
    );
    expect(result.stdout).toContain(
      `::warning::eve: exercises/${EXERCISE}/workspace in eve/lesson is not a folder`,
    );
  });

  it("keeps a link inside a workspace as a link, for the grader to refuse: its target is never copied", async () => {
    const entry = join(work, "class/mal/Dockerfile");
    expect((await lstat(entry)).isSymbolicLink()).toBe(true);
    const everything = await exec("grep", ["-rl", "the runner's own file", join(work, "class")], {
      reject: false,
      timeoutMs: 10_000,
    });
    expect(everything.stdout).toBe("");
  });
});
