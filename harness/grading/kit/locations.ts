import type { CheckLocation } from "../check.ts";

/** The first of the candidate lines that is known: the most specific place a message can point at. */
export function at(file: string, ...lines: readonly (number | undefined)[]): CheckLocation {
  const line = lines.find((l) => l !== undefined && l > 0);
  return line === undefined ? { file } : { file, line };
}

/** Where a parser's problems (`line 3: ...`) start: the first line one of them names. */
export function problemLocation(file: string, problems: readonly string[]): CheckLocation {
  const lines = problems.map((p) => Number(/\bline (\d+)/.exec(p)?.[1]));
  return at(file, ...lines.filter((l) => Number.isInteger(l)));
}
