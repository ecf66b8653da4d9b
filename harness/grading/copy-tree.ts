import { constants } from "node:fs";
import { lstat, mkdir, open, readdir, type FileHandle } from "node:fs/promises";
import { join, relative } from "node:path";
import { InvalidSubmissionError } from "../errors.ts";

/** Bounds for copying a tree that came from a learner: untrusted data, never followed. */
export interface CopyLimits {
  readonly maxBytes: number;
  readonly maxEntries: number;
  readonly maxDepth: number;
}

export const SUBMISSION_LIMITS: CopyLimits = { maxBytes: 50 * 1024 * 1024, maxEntries: 20_000, maxDepth: 32 };

export interface CopyOptions {
  /** Names (of files or folders, at any depth) that are not copied. */
  readonly skip?: ReadonlySet<string>;
  readonly limits?: CopyLimits;
}

/** Flags that refuse to follow a link at the last path component (the copy makes none). */
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;
const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;

/**
 * Copies `source` over `dest`, file by file, refusing anything but folders and regular files:
 * a symbolic link, device, FIFO or socket stops the copy with a message naming it. The size
 * limit is enforced while copying (the copy stops at the first byte over), not afterwards.
 * Returns the bytes copied.
 */
export async function copyTree(source: string, dest: string, options: CopyOptions = {}): Promise<number> {
  const limits = options.limits ?? SUBMISSION_LIMITS;
  const skip = options.skip ?? new Set<string>();
  const state = { bytes: 0, entries: 0 };
  const name = (path: string): string => relative(source, path) || ".";

  const walk = async (from: string, to: string, depth: number): Promise<void> => {
    if (depth > limits.maxDepth)
      throw new InvalidSubmissionError(`${name(from)} is nested more than ${limits.maxDepth} folders deep`);
    await mkdir(to, { recursive: true, mode: 0o755 });
    const entries = await readdir(from, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      if (skip.has(entry.name)) continue;
      state.entries += 1;
      if (state.entries > limits.maxEntries)
        throw new InvalidSubmissionError(
          `the submission holds more than ${limits.maxEntries} files and folders`,
          {
            hint: "Remove build output and dependencies (node_modules, dist) from the submission",
          },
        );
      const src = join(from, entry.name);
      const dst = join(to, entry.name);
      const stat = await lstat(src);
      await refuseKindChange(name(src), stat.isDirectory(), dst);
      if (stat.isDirectory()) await walk(src, dst, depth + 1);
      else if (stat.isFile()) await copyFile(src, dst, stat.mode & 0o755);
      else throw refused(name(src), kindOf(stat));
    }
  };

  const copyFile = async (src: string, dst: string, mode: number): Promise<void> => {
    let input: FileHandle | undefined;
    let output: FileHandle | undefined;
    try {
      input = await open(src, READ_FLAGS).catch((error: unknown) => {
        throw refused(name(src), "a file that changed into a link while being copied", error);
      });
      const stat = await input.stat();
      if (!stat.isFile()) throw refused(name(src), kindOf(stat));
      output = await open(dst, WRITE_FLAGS, mode | 0o600);
      const buffer = Buffer.allocUnsafe(64 * 1024);
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        state.bytes += bytesRead;
        if (state.bytes > limits.maxBytes)
          throw new InvalidSubmissionError(
            `the submission is larger than ${(limits.maxBytes / 1024 / 1024).toFixed(0)} MiB (stopped copying at ${name(src)})`,
            { hint: "Remove build output and large files from the submission" },
          );
        await output.write(buffer, 0, bytesRead);
      }
    } finally {
      await input?.close();
      await output?.close();
    }
  };

  await walk(source, dest, 0);
  return state.bytes;
}

/**
 * Writes a file the grader creates in a submission copy without following a link at that path
 * (the copy holds none; this keeps it so if that ever changes).
 */
export async function writeFileNoFollow(path: string, content: string, mode = 0o644): Promise<void> {
  const handle = await open(path, WRITE_FLAGS, mode);
  try {
    await handle.writeFile(content);
  } finally {
    await handle.close();
  }
}

/**
 * A folder laid over a file of the handout (or a file over a folder) cannot be merged: say which,
 * rather than fail on the file system's EEXIST or EISDIR.
 */
async function refuseKindChange(file: string, isFolder: boolean, dst: string): Promise<void> {
  const there = await lstat(dst).catch(() => undefined);
  if (there === undefined || there.isDirectory() === isFolder) return;
  throw new InvalidSubmissionError(
    isFolder
      ? `${file} is a folder in the submission, where the exercise has a file of that name`
      : `${file} is a file in the submission, where the exercise has a folder of that name`,
    {
      hint: `Make ${file} a ${isFolder ? "file" : "folder"} again, as the exercise hands it out, or remove it`,
    },
  );
}

function refused(file: string, kind: string, cause?: unknown): InvalidSubmissionError {
  return new InvalidSubmissionError(
    `${file} is ${kind}; a submission may hold only regular files and folders`,
    {
      hint: `Replace ${file} with a regular file (a copy of what it points to), or remove it`,
      ...(cause === undefined ? {} : { cause }),
    },
  );
}

function kindOf(stat: { isSymbolicLink(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stat.isSymbolicLink()) return "a symbolic link";
  if (stat.isFIFO()) return "a FIFO (named pipe)";
  if (stat.isSocket()) return "a socket";
  return "a device file";
}
