import { describe, expect, it } from "vitest";
import { mapInvocation } from "./invocation.ts";

const host = { cwd: "/home/ada/course", repoRoot: "/home/ada/course", exerciseIds: ["01-a", "02-b"] };
const workspaces = [
  {
    source: "/home/ada/course/exercises/01-a/workspace",
    target: "/grader/exercises/01-a/workspace",
    mode: "ro",
  },
  {
    source: "/home/ada/course/exercises/02-b/workspace",
    target: "/grader/exercises/02-b/workspace",
    mode: "ro",
  },
];
const out = (source: string) => ({ source, target: "/out", mode: "rw" });

describe("a grade command line, inside the grader image", () => {
  it.each([
    {
      why: "one exercise, default output folder",
      argv: ["01-a"],
      args: ["01-a", "--out", "/out"],
      extra: [out("/home/ada/course/reports")],
    },
    {
      why: "a submission folder, relative, and an output folder, absolute",
      argv: ["01-a", "--submission", "mine", "--out", "/tmp/r"],
      args: ["01-a", "--submission", "/in/submission", "--out", "/out"],
      extra: [{ source: "/home/ada/course/mine", target: "/in/submission", mode: "ro" }, out("/tmp/r")],
    },
    {
      why: "--flag=value forms",
      argv: ["01-a", "--submission=/s", "--out=o", "--json"],
      args: ["01-a", "--submission", "/in/submission", "--out", "/out", "--json"],
      extra: [{ source: "/s", target: "/in/submission", mode: "ro" }, out("/home/ada/course/o")],
    },
    {
      why: "a class batch with a shard and the changed-files list",
      argv: ["02-b", "--batch", "class", "--jobs", "2", "--shard", "1/4", "--changed-files", "c.txt"],
      args: [
        "02-b",
        "--batch",
        "/in/batch",
        "--jobs",
        "2",
        "--shard",
        "1/4",
        "--changed-files",
        "/in/changed-files",
        "--out",
        "/out",
      ],
      extra: [
        { source: "/home/ada/course/class", target: "/in/batch", mode: "ro" },
        { source: "/home/ada/course/c.txt", target: "/in/changed-files", mode: "ro" },
        out("/home/ada/course/reports"),
      ],
    },
    {
      why: "merging shards: each folder is an input",
      argv: ["merge", "s1", "/x/s2", "--out", "class"],
      args: ["merge", "/in/merge-2", "/in/merge-3", "--out", "/out"],
      extra: [
        { source: "/home/ada/course/s1", target: "/in/merge-2", mode: "ro" },
        { source: "/x/s2", target: "/in/merge-3", mode: "ro" },
        out("/home/ada/course/class"),
      ],
    },
    {
      why: "--list passes as it is",
      argv: ["--list"],
      args: ["--list", "--out", "/out"],
      extra: [out("/home/ada/course/reports")],
    },
  ])("$why", ({ argv, args, extra }) => {
    const mapped = mapInvocation(argv, host);
    expect(mapped.args).toEqual(args);
    expect(mapped.mounts).toEqual([...workspaces, ...extra]);
    expect(mapped.out).toBe(extra.at(-1)?.source);
  });

  it("leaves a flag without its value for the grader to refuse", () => {
    expect(mapInvocation(["01-a", "--submission"], host).args).toEqual([
      "01-a",
      "--submission",
      "--out",
      "/out",
    ]);
  });
});
