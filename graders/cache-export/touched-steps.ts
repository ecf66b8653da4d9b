import type { BuildStep } from "../../harness/buildx/build-step.ts";

/**
 * Pure: the steps of a build that a change to one file of the context must re-run, read from
 * the steps themselves: a COPY or ADD from the context whose sources may hold the file, every
 * later step of its stage, and, stage by stage, whatever builds on a changed stage (FROM it,
 * COPY --from it, a mount from it). Where the reading cannot decide (a heredoc, a JSON form, a
 * numeric stage reference), the step counts as touched: a learner never loses points for it.
 */
export function touchedByChange(steps: readonly BuildStep[], changedFile: string): Set<BuildStep> {
  const byStage = new Map<string, BuildStep[]>();
  for (const s of steps) {
    if (s.stage === undefined || s.index === undefined) continue;
    byStage.set(s.stage, [...(byStage.get(s.stage) ?? []), s]);
  }
  for (const list of byStage.values()) list.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const touched = new Set<BuildStep>();
  const dirty = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const [stage, list] of byStage) {
      if (dirty.has(stage)) continue;
      const first = list.find((s) => readsChange(s, changedFile, dirty));
      if (!first) continue;
      for (const s of list) if ((s.index ?? 0) >= (first.index ?? 0)) touched.add(s);
      dirty.add(stage);
      grew = true;
    }
  }
  return touched;
}

/** Whether the step takes in the changed file, directly or from a changed stage. */
function readsChange(step: BuildStep, file: string, dirty: ReadonlySet<string>): boolean {
  const words = step.text.trim().split(/\s+/);
  const keyword = (words[0] ?? "").toUpperCase();
  const flags = words.slice(1).filter((w) => w.startsWith("--"));
  const fromStage = (value: string): boolean => (/^\d+$/.test(value) ? dirty.size > 0 : dirty.has(value));
  for (const flag of flags) {
    const from = /^--from=(.+)$/.exec(flag)?.[1];
    if (from !== undefined && fromStage(from)) return true;
    const mountFrom = /^--mount=.*\bfrom=([^,]+)/.exec(flag)?.[1];
    if (mountFrom !== undefined && fromStage(mountFrom)) return true;
    // A bind mount of the context without from= sees the file.
    if (/^--mount=/.test(flag) && /\btype=bind\b/.test(flag) && !/\bfrom=/.test(flag)) return true;
  }
  if (keyword === "FROM") return fromStage(words.find((w, i) => i > 0 && !w.startsWith("--")) ?? "");
  if (keyword !== "COPY" && keyword !== "ADD") return false;
  if (flags.some((f) => f.startsWith("--from="))) return false;
  const rest = words.slice(1).filter((w) => !w.startsWith("--"));
  // A JSON form or a heredoc: not read here, so taken as reading the file.
  if (rest.some((w) => w.startsWith("[") || w.startsWith("<<"))) return true;
  return rest.slice(0, -1).some((source) => mayHold(source, file));
}

/** Whether a COPY source (a path or glob in the context) may include `file`. */
function mayHold(source: string, file: string): boolean {
  const clean = source.replace(/^\.\/+/, "").replace(/\/+$/, "");
  // A variable is not expanded here: it may name anything.
  if (clean === "" || clean === "." || clean.includes("$")) return true;
  if (/[*?[]/.test(clean)) {
    const pattern = new RegExp(
      `^${clean
        .replace(/[.+^${}()|\\]/g, "\\$&")
        .replace(/\*/g, "[^/]*")
        .replace(/\?/g, "[^/]")}(/|$)`,
    );
    return pattern.test(file);
  }
  return file === clean || file.startsWith(`${clean}/`);
}
