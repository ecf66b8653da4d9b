/**
 * A job's `strategy.matrix` expanded into its combinations as GitHub Actions expands it (pure),
 * and `${{ matrix.* }}` expressions resolved in a combination.
 *
 * GitHub's rules: the cartesian product of the matrix's own keys (in order); an `exclude` entry
 * removes every combination it matches on all its keys; an `include` entry is merged into each
 * combination whose original values it matches (never overwriting them), or, matching none,
 * becomes a combination of its own.
 */
export type MatrixValue = string | number | boolean | null | MatrixObject | MatrixValue[];
export interface MatrixObject {
  readonly [key: string]: MatrixValue;
}
export type Combination = Readonly<Record<string, MatrixValue>>;

export interface ExpandedMatrix {
  readonly combinations: readonly Combination[];
  /** Why some of the matrix could not be read (a `${{ fromJSON(...) }}` list, say). */
  readonly unresolved: readonly string[];
}

/** GitHub runs at most 256 jobs of one matrix: a bigger one is a workflow GitHub refuses. */
export const MAX_COMBINATIONS = 256;

export function expandMatrix(matrix: unknown): ExpandedMatrix {
  if (matrix === undefined || matrix === null) return { combinations: [{}], unresolved: [] };
  if (!isObject(matrix)) return { combinations: [{}], unresolved: [`the matrix is ${describe(matrix)}`] };
  const unresolved: string[] = [];
  let combinations: Record<string, MatrixValue>[] = [{}];
  const own = Object.entries(matrix).filter(([k]) => k !== "include" && k !== "exclude");
  for (const [key, values] of own) {
    if (!Array.isArray(values)) {
      unresolved.push(`matrix.${key} is ${describe(values)}, not a list`);
      continue;
    }
    if (combinations.length * values.length > MAX_COMBINATIONS) {
      unresolved.push(
        `the matrix makes more than ${MAX_COMBINATIONS} combinations (GitHub's limit per run): matrix.${key} and what follows were not expanded`,
      );
      break;
    }
    combinations = combinations.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  const ownKeys = own.map(([k]) => k);
  if (ownKeys.length === 0) combinations = [];
  const exclude = listOf(matrix["exclude"]);
  combinations = combinations.filter(
    (c) => !exclude.some((e) => Object.entries(e).every(([k, v]) => same(c[k], v))),
  );
  const originals = combinations.map((c) => ({ ...c }));
  for (const entry of listOf(matrix["include"])) {
    const matchKeys = Object.keys(entry).filter((k) => ownKeys.includes(k));
    let merged = false;
    combinations.forEach((c, i) => {
      // Only original combinations take includes; values added by an earlier include may be
      // overwritten, the matrix's own may not.
      if (i >= originals.length) return;
      const original = originals[i] ?? {};
      if (!matchKeys.every((k) => same(original[k], entry[k]))) return;
      for (const [k, v] of Object.entries(entry)) if (!ownKeys.includes(k)) c[k] = v;
      merged = true;
    });
    if (!merged) combinations.push({ ...entry });
    if (combinations.length > MAX_COMBINATIONS) {
      combinations = combinations.slice(0, MAX_COMBINATIONS);
      unresolved.push(
        `the matrix's include makes more than ${MAX_COMBINATIONS} combinations: the rest were not read`,
      );
      break;
    }
  }
  if (combinations.length === 0) combinations = [{}];
  return { combinations, unresolved };
}

const EXPRESSION = /\$\{\{\s*([^}]*?)\s*\}\}/g;
const MATRIX_PATH = /^matrix((?:\.[A-Za-z_][\w-]*|\[\s*'[^']*'\s*\])+)$/;

/**
 * Replaces `${{ matrix.a }}`, `${{ matrix.a.b }}` and `${{ matrix['a'] }}` with the
 * combination's values; any other expression is left as written.
 */
export function resolveMatrix(text: string, combination: Combination): string {
  return text.replace(EXPRESSION, (whole, expression: string) => {
    const path = MATRIX_PATH.exec(expression.trim());
    if (!path) return whole;
    let value: MatrixValue | undefined = combination;
    for (const part of (path[1] ?? "").matchAll(/\.([A-Za-z_][\w-]*)|\[\s*'([^']*)'\s*\]/g)) {
      const key = part[1] ?? part[2] ?? "";
      value = isObject(value) ? value[key] : undefined;
    }
    if (value === undefined) return "";
    return typeof value === "object" && value !== null ? JSON.stringify(value) : String(value);
  });
}

function listOf(value: unknown): Record<string, MatrixValue>[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function isObject(value: unknown): value is Record<string, MatrixValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describe(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : typeof value;
}
