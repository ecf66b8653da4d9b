import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Where cgroups are mounted on every Linux this grader meets. */
export const CGROUP_ROOT = "/sys/fs/cgroup";

/**
 * How the machine's cgroups are laid out, as far as a run's memory and process limits care:
 * - `v1`: the memory and pids controllers each in a hierarchy of their own (this project's own
 *   machines, in hybrid mode);
 * - `v2`: one unified hierarchy (GitHub's runners, Docker Desktop's VM, Debian 12 and Ubuntu
 *   22.04 as installed), with both controllers available at its root;
 * - `none`: neither, with the reason, for the error the learner sees.
 */
export type CgroupLayout =
  | { readonly kind: "v1"; readonly root: string }
  | { readonly kind: "v2"; readonly root: string }
  | { readonly kind: "none"; readonly root: string; readonly why: string };

/**
 * Reads the layout under `root` (the real mount by default, a fake tree in tests). A hybrid
 * machine has a unified hierarchy too (`unified/`), but without the memory controller: v1 wins.
 */
export function detectCgroupLayout(root: string = CGROUP_ROOT): CgroupLayout {
  if (existsSync(join(root, "memory/memory.limit_in_bytes")) && existsSync(join(root, "pids")))
    return { kind: "v1", root };
  const controllersFile = join(root, "cgroup.controllers");
  if (!existsSync(controllersFile))
    return {
      kind: "none",
      root,
      why: `no cgroup v1 memory and pids controllers, and no cgroup v2 at ${root}`,
    };
  const missing = missingControllers(readFileSync(controllersFile, "utf8"));
  if (missing.length > 0)
    return {
      kind: "none",
      root,
      why: `cgroup v2 at ${root} does not offer the ${missing.join(" and ")} controller${missing.length > 1 ? "s" : ""}`,
    };
  return { kind: "v2", root };
}

/** The controllers a run's limits need that a `cgroup.controllers` line lacks (pure). */
export function missingControllers(controllersLine: string): string[] {
  const present = new Set(controllersLine.split(/\s+/).filter(Boolean));
  return ["memory", "pids"].filter((c) => !present.has(c));
}
