/**
 * Pure parser for `docker buildx build --progress=rawjson`: BuildKit's SolveStatus objects,
 * written to stderr as a stream of concatenated (pretty-printed) JSON values, possibly followed
 * by plain-text error output from the CLI.
 */
export interface RawVertex {
  readonly digest: string;
  readonly name?: string;
  readonly inputs?: readonly string[];
  readonly started?: string;
  readonly completed?: string;
  readonly cached?: boolean;
  readonly error?: string;
}
export interface RawStatus {
  readonly id: string;
  readonly vertex: string;
  readonly name?: string;
  readonly current?: number;
  readonly total?: number;
}
export interface RawLog {
  readonly vertex: string;
  readonly stream?: number;
  /** base64 */
  readonly data: string;
  readonly timestamp?: string;
}
export interface RawWarning {
  readonly vertex: string;
  readonly short?: string;
}
export interface SolveStatus {
  readonly vertexes: readonly RawVertex[];
  readonly statuses: readonly RawStatus[];
  readonly logs: readonly RawLog[];
  readonly warnings: readonly RawWarning[];
}
export interface RawJsonParse {
  readonly events: readonly SolveStatus[];
  /** Whatever followed the JSON stream (the CLI's own error text), trimmed. */
  readonly trailer: string;
}

/** Splits `text` into top-level JSON values; stops at the first text that is not one. */
export function splitJsonStream(text: string): { values: unknown[]; rest: string } {
  const values: unknown[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    if (i >= text.length || (text[i] !== "{" && text[i] !== "[")) break;
    const end = endOfValue(text, i);
    if (end < 0) break;
    try {
      values.push(JSON.parse(text.slice(i, end)));
    } catch {
      break;
    }
    i = end;
  }
  return { values, rest: text.slice(i) };
}

/** Index just past the object/array starting at `start`, or -1 if it is unterminated. */
function endOfValue(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

export function parseRawJson(text: string): RawJsonParse {
  const { values, rest } = splitJsonStream(text);
  return { events: toSolveStatuses(values), trailer: rest.trim() };
}

export function toSolveStatuses(values: readonly unknown[]): SolveStatus[] {
  const events: SolveStatus[] = [];
  for (const value of values) {
    if (!isRecord(value)) continue;
    events.push({
      vertexes: arrayOf(value["vertexes"]).filter(isVertex),
      statuses: arrayOf(value["statuses"]).filter(isStatus),
      logs: arrayOf(value["logs"]).filter(isLog),
      warnings: arrayOf(value["warnings"]).filter(isWarning),
    });
  }
  return events;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
function arrayOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function isVertex(v: unknown): v is RawVertex {
  return isRecord(v) && typeof v["digest"] === "string";
}
function isStatus(v: unknown): v is RawStatus {
  return isRecord(v) && typeof v["id"] === "string" && typeof v["vertex"] === "string";
}
function isLog(v: unknown): v is RawLog {
  return isRecord(v) && typeof v["vertex"] === "string" && typeof v["data"] === "string";
}
function isWarning(v: unknown): v is RawWarning {
  return isRecord(v) && typeof v["vertex"] === "string";
}
