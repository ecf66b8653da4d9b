import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBuildxPlugin } from "../engine/host-tools.ts";
import { exec } from "../exec/exec.ts";
import { parseBakePrint, type BakeTarget } from "./bake-definition.ts";
import { redactOutside } from "./bake-command.ts";

/** A bake file as `docker buildx bake --print` resolves it, or why it could not. */
export type BakeFileRead =
  | {
      readonly ok: true;
      readonly file: string;
      /** Where bake ran: target contexts are absolute paths under it. */
      readonly dir: string;
      /** The default group's targets, groups inside it expanded. */
      readonly targets: readonly BakeTarget[];
      /** Every group's members, as written (before expansion). */
      readonly groups: Readonly<Record<string, readonly string[]>>;
    }
  | {
      readonly ok: false;
      readonly file: string;
      readonly message: string;
      readonly line: number | undefined;
    };

/**
 * Reads a submission's bake file with buildx itself, never by hand: HCL variables, functions,
 * `inherits` and matrices resolve exactly as in CI. `--print` needs no engine, so this runs with a
 * sterile environment (an empty Docker config, no daemon address, only `variables`).
 */
export async function readBakeFile(
  dir: string,
  file: string,
  variables: Readonly<Record<string, string>>,
): Promise<BakeFileRead> {
  const plugin = findBuildxPlugin();
  if (!plugin) return { ok: false, file, message: "the buildx CLI plugin is not installed", line: undefined };
  const config = await mkdtemp(join(tmpdir(), "bake-print-"));
  try {
    const result = await exec(plugin, ["bake", "-f", file, "--print"], {
      cwd: dir,
      reject: false,
      timeoutMs: 30_000,
      env: {
        PATH: "/usr/bin:/bin",
        HOME: config,
        DOCKER_CONFIG: config,
        DOCKER_HOST: `unix://${join(config, "no-engine.sock")}`,
        ...variables,
      },
    });
    if (result.exitCode !== 0) return { ok: false, file, ...bakeError(result.stderr, file, dir) };
    try {
      return {
        ok: true,
        file,
        dir,
        targets: parseBakePrint(result.stdout, dir),
        groups: groupsOf(result.stdout),
      };
    } catch (error) {
      return {
        ok: false,
        file,
        message: error instanceof Error ? error.message : String(error),
        line: undefined,
      };
    }
  } finally {
    await rm(config, { recursive: true, force: true });
  }
}

/** buildx's message without its progress lines; HCL problems name the place as `file:3,5-9`. */
export function bakeError(
  stderr: string,
  file: string,
  dir: string,
): { message: string; line: number | undefined } {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#") && !/^-+$/.test(l) && !/^(>>>\s*)?\d+\s*\|/.test(l));
  const error = lines.find((l) => l.startsWith("ERROR:")) ?? lines.at(-1) ?? "bake failed";
  const message = redactOutside(error.replace(/^ERROR:\s*/, ""), dir);
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const line = Number(new RegExp(`${escaped}:(\\d+)`).exec(stderr)?.[1]);
  return { message, line: line > 0 ? line : undefined };
}

function groupsOf(text: string): Record<string, readonly string[]> {
  const raw = JSON.parse(text) as { group?: Record<string, { targets?: unknown }> };
  const out: Record<string, readonly string[]> = {};
  for (const [name, group] of Object.entries(raw.group ?? {}))
    out[name] = Array.isArray(group.targets)
      ? group.targets.filter((t): t is string => typeof t === "string")
      : [];
  return out;
}
