import type { DockerfileModel, InstructionModel } from "./dockerfile-model.ts";

/**
 * Maps a history `created_by` back to the Dockerfile instruction that wrote it (pure).
 * BuildKit writes `RUN |2 A=1 B=2 /bin/sh -c <command>`, `COPY src dst`, `ENV K=<expanded>`...;
 * values of build args are expanded, so the match is by keyword and shared words.
 */
export function locateCreatedBy(model: DockerfileModel, createdBy: string): InstructionModel | undefined {
  const text = createdBy.replace(/\s*# buildkit$/, "");
  const keyword = /^([A-Z]+)\b/.exec(text)?.[1];
  if (!keyword) return undefined;
  const body = normalise(
    text
      .slice(keyword.length)
      .replace(/^\s*\|\d+(\s+\S+=\S*)*/, "")
      .replace(/^\s*\/bin\/sh -c\s*/, ""),
  );
  const candidates = model.stages.flatMap((s) => s.instructions).filter((i) => i.keyword === keyword);
  let best: { instruction: InstructionModel; score: number } | undefined;
  const words = new Set(body.split(" "));
  for (const instruction of candidates) {
    const own = normalise(instruction.text);
    const score = own === body ? Number.MAX_SAFE_INTEGER : own.split(" ").filter((w) => words.has(w)).length;
    if (!best || score > best.score) best = { instruction, score };
  }
  return best?.instruction;
}

function normalise(text: string): string {
  return text.replace(/\\\n/g, " ").replace(/\s+/g, " ").trim();
}
