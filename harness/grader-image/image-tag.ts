import { createHash } from "node:crypto";
import { readFile, readdir, readlink, lstat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import dockerignore from "@balena/dockerignore";

/**
 * The module is CommonJS whose export is the factory, while its types declare a default export:
 * Node hands the factory to a default import, TypeScript expects it one level down.
 */
const ignoreRules: typeof dockerignore.default =
  typeof dockerignore === "function" ? dockerignore : dockerignore.default;

/** The image every grading runs in, named by what it is built from. */
export const IMAGE_REPOSITORY = "bk-grader";

/** The Dockerfile and the ignore file that selects its context, beside this module. */
export const DOCKERFILE = "harness/grader-image/Dockerfile";
const IGNORE_FILE = `${DOCKERFILE}.dockerignore`;

/**
 * Which of the project's files go into the image, by the same rules BuildKit applies to the
 * build's context (`Dockerfile.dockerignore`), so that the tag and the image cannot disagree.
 * Learners' own files are left out: they are mounted at grading time, and a learner's edit must
 * not make a new image.
 */
export async function imageInputs(root: string): Promise<string[]> {
  const rules = ignoreRules().add(await readFile(join(root, IGNORE_FILE), "utf8"));
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const rel = relative(root, path).split(sep).join("/");
      if (rules.ignores(rel)) continue;
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() || entry.isSymbolicLink()) files.push(rel);
    }
  };
  await walk(root);
  return files.sort();
}

/**
 * The tag of the image built from `root` (pure over its files): a hash of each input's path,
 * executable bit and content. A learner who pulls new grader code gets a new tag, and an
 * unchanged checkout finds its image and never builds it again. `extras` are the build's other
 * inputs (its base, its packages), in words.
 */
export async function imageTag(root: string, extras: readonly string[] = []): Promise<string> {
  const hash = createHash("sha256");
  for (const extra of extras) hash.update(`${extra}\0`);
  for (const file of await imageInputs(root)) {
    const path = join(root, file);
    const stat = await lstat(path);
    const content = stat.isSymbolicLink()
      ? Buffer.from(`link:${await readlink(path)}`)
      : await readFile(path);
    hash.update(`${file}\0${stat.mode & 0o111 ? "x" : "-"}\0${String(content.length)}\0`);
    hash.update(content);
  }
  return `${IMAGE_REPOSITORY}:${hash.digest("hex").slice(0, 16)}`;
}
