import { execFileSync } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidSubmissionError } from "../errors.ts";
import { copyTree, writeFileNoFollow } from "./copy-tree.ts";

let root: string;
let src: string;
let dst: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "copy-tree-"));
  src = join(root, "src");
  dst = join(root, "dst");
  await mkdir(join(src, "sub"), { recursive: true });
  await writeFile(join(src, "Dockerfile"), "FROM busybox\n");
  await writeFile(join(src, "sub", "a.txt"), "a");
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("copyTree (a submission is data)", () => {
  it("copies folders and regular files, skipping the listed names", async () => {
    await mkdir(join(src, "node_modules"));
    await writeFile(join(src, "node_modules", "x"), "x");
    const bytes = await copyTree(src, dst, { skip: new Set(["node_modules"]) });
    expect(bytes).toBe(14);
    expect(await readFile(join(dst, "sub", "a.txt"), "utf8")).toBe("a");
    expect(await readdir(dst)).toEqual(["Dockerfile", "sub"]);
  });

  it("refuses a symbolic link to a host file, naming it", async () => {
    await symlink("/etc/shadow", join(src, "sub", "secret.txt"));
    await expect(copyTree(src, dst)).rejects.toThrow(/sub\/secret\.txt is a symbolic link/);
    await expect(copyTree(src, join(root, "d2"))).rejects.toBeInstanceOf(InvalidSubmissionError);
  });

  it("refuses a link to a folder and a dangling link", async () => {
    await symlink("/root", join(src, "home"));
    await expect(copyTree(src, dst)).rejects.toThrow(/home is a symbolic link/);
    await rm(join(src, "home"));
    await symlink("/nonexistent", join(src, "gone"));
    await expect(copyTree(src, join(root, "d3"))).rejects.toThrow(/gone is a symbolic link/);
  });

  it.each([
    [
      "a folder over a file",
      "Dockerfile",
      /Dockerfile is a folder in the submission, where the exercise has a file/,
    ],
    ["a file over a folder", "sub", /sub is a file in the submission, where the exercise has a folder/],
  ])("refuses %s of the handout, naming it", async (_case, path, message) => {
    const over = join(root, "over");
    await mkdir(over);
    if (path === "Dockerfile") await mkdir(join(over, path));
    else await writeFile(join(over, path), "x");
    await copyTree(src, dst);
    const copied = copyTree(over, dst);
    await expect(copied).rejects.toThrow(message);
    await expect(copied).rejects.toBeInstanceOf(InvalidSubmissionError);
  });

  it("refuses a FIFO instead of blocking on it", async () => {
    execFileSync("mkfifo", [join(src, "pipe")]);
    await expect(copyTree(src, dst)).rejects.toThrow(/pipe is a FIFO/);
  });

  it("stops at the size limit while copying, not after", async () => {
    await writeFile(join(src, "big.bin"), Buffer.alloc(200_000));
    await expect(
      copyTree(src, dst, { limits: { maxBytes: 100_000, maxEntries: 100, maxDepth: 8 } }),
    ).rejects.toThrow(/larger than 0 MiB \(stopped copying at big\.bin\)/);
  });

  it("bounds the number of entries and the depth", async () => {
    await expect(
      copyTree(src, dst, { limits: { maxBytes: 1e9, maxEntries: 2, maxDepth: 8 } }),
    ).rejects.toThrow(/more than 2 files/);
    let deep = src;
    for (let i = 0; i < 5; i++) deep = join(deep, `d${i}`);
    await mkdir(deep, { recursive: true });
    await expect(
      copyTree(src, join(root, "d4"), { limits: { maxBytes: 1e9, maxEntries: 100, maxDepth: 3 } }),
    ).rejects.toThrow(/nested more than 3/);
  });
});

describe("writeFileNoFollow", () => {
  it("writes a file, and refuses to write through a link at its path", async () => {
    await writeFileNoFollow(join(root, "plain"), "ok");
    expect(await readFile(join(root, "plain"), "utf8")).toBe("ok");
    const target = join(root, "victim");
    await writeFile(target, "host file");
    await symlink(target, join(root, ".npmrc"));
    await expect(writeFileNoFollow(join(root, ".npmrc"), "token")).rejects.toThrow(/ELOOP/);
    expect(await readFile(target, "utf8")).toBe("host file");
  });
});
