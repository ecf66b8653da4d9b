import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { detectMirror } from "../open-environment.ts";

/** A tiny build context written for a test: a Dockerfile and optional files. */
export async function writeContext(dockerfile: string, files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ctx-"));
  await writeFile(join(dir, "Dockerfile"), dockerfile);
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  return dir;
}

/** The Docker Hub mirror the tests build against, when one answers (see README). */
export const MIRROR = await detectMirror();
