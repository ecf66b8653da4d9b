import type { BakeTarget } from "../../harness/buildx/bake-definition.ts";
import { vetBakeTarget } from "../../harness/buildx/bake-request.ts";
import { cacheEntry, cacheSpec, targetsByService } from "./cache-settings.ts";
import { SERVICES, type Service } from "./checks.ts";
import { attributeLine, blockLine } from "./static-checks.ts";

/** One service's target as the grader will build it, with the lines its messages point at. */
export interface PlannedTarget {
  readonly service: Service;
  readonly target: BakeTarget;
  /** The submission folder the target's context is in. */
  readonly root: string;
  readonly tags: readonly string[];
  readonly cacheFrom: readonly string[];
  readonly cacheTo: readonly string[];
  readonly lines: Readonly<Record<string, number>>;
}

export type BuildPlan =
  | { readonly ok: true; readonly targets: readonly PlannedTarget[]; readonly notes: readonly string[] }
  | { readonly ok: false; readonly refusals: readonly string[]; readonly line: number | undefined };

/**
 * What the grader builds of the bake file, resolved with REGISTRY set to the run's registry:
 * references inside that registry are used as written (so shared or unread caches behave as they
 * would in CI); anything pointing elsewhere is not used (the run reaches no other registry) and
 * said so. Context, Dockerfile and every other attribute go through the harness's bake vetting.
 */
export async function planBuilds(
  targets: readonly BakeTarget[],
  root: string,
  registry: string,
  bakeText: string,
): Promise<BuildPlan> {
  const byService = targetsByService(targets, root);
  const planned: PlannedTarget[] = [];
  const notes: string[] = [];
  for (const service of SERVICES) {
    const target = byService[service];
    if (!target) continue;
    const line = (attribute: string): number | undefined => attributeLine(bakeText, target.name, attribute);
    const vetted = await vetBakeTarget(target, { root, secretEnv: [] });
    if (!vetted.ok)
      return {
        ok: false,
        refusals: vetted.refusals.map((r) => `${target.name}: ${r}`),
        line: blockLine(bakeText, "target", target.name),
      };
    // Tags, caches and outputs are this grader's subject: applied below, not replaced.
    notes.push(
      ...vetted.notes
        .filter((n) => !/^(tags|cache-to|cache-from|output):/.test(n))
        .map((n) => `${target.name}: ${n}`),
    );
    // Whatever follows REGISTRY stays on its host: REGISTRY is "host:port/path".
    const inRun = (ref: string | undefined): boolean => ref !== undefined && ref.startsWith(registry);
    const tags = target.tags.filter((t) => inRun(t));
    if (tags.length < target.tags.length || tags.length === 0)
      notes.push(
        `${target.name}: tags outside \${REGISTRY} are not pushed (the run reaches only its own registry).`,
      );
    const cacheTo: string[] = [];
    const unreadable = (kind: string, spec: string): void => {
      notes.push(`${target.name}: ${kind} ${spec} is not used: buildx would not read it as written.`);
    };
    for (const entry of target.cacheTo.map(cacheEntry)) {
      const spec = cacheSpec(entry);
      if (spec === undefined) unreadable("cache-to", entry.type);
      else if (entry.type === "inline" || (entry.type === "registry" && inRun(entry.ref))) cacheTo.push(spec);
      else
        notes.push(
          `${target.name}: cache-to ${entry.type}${entry.ref ? ` ${entry.ref}` : ""} is not used: the run exports caches only to its own registry.`,
        );
    }
    const cacheFrom: string[] = [];
    for (const entry of target.cacheFrom.map(cacheEntry)) {
      const spec = cacheSpec(entry);
      if (spec === undefined) unreadable("cache-from", entry.type);
      else if (entry.type === "registry" && inRun(entry.ref)) cacheFrom.push(spec);
      else
        notes.push(
          `${target.name}: cache-from ${entry.type}${entry.ref ? ` ${entry.ref}` : ""} is not used: the run imports caches only from its own registry.`,
        );
    }
    const lines: Record<string, number> = {};
    for (const attribute of ["target", "context", "tags", "cache-to", "cache-from"]) {
      const found = attribute === "target" ? blockLine(bakeText, "target", target.name) : line(attribute);
      if (found !== undefined) lines[attribute] = found;
    }
    planned.push({
      service,
      // As vetted: the secrets and other attributes buildx would apply, each checked.
      target: vetted.target,
      root,
      tags: tags.length > 0 ? tags : [`${registry}/graded-${service}:latest`],
      cacheFrom,
      cacheTo,
      lines,
    });
  }
  return { ok: true, targets: planned, notes };
}
