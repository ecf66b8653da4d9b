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
  /** The CLI's own text among and after the events (its warnings, its error), trimmed. */
  readonly trailer: string;
}

/**
 * Splits `text` into the progress stream's JSON values and the CLI's own lines of text, which
 * can come between them: buildx writes a warning (a build without an output on the remote
 * driver) from another thread than its progress, so it may land before the last events.
 * `rest` is what is not complete yet: an unterminated value, or a line without its newline
 * (all of it goes to `lines` when `final`). Pure.
 */
export function splitProgress(
  text: string,
  final = false,
): { values: unknown[]; lines: string[]; rest: string } {
  const values: unknown[] = [];
  const lines: string[] = [];
  const unfinished = (from: number) =>
    final
      ? { values, lines: [...lines, text.slice(from)], rest: "" }
      : { values, lines, rest: text.slice(from) };
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    if (i >= text.length) return { values, lines, rest: "" };
    if (text[i] === "{" || text[i] === "[") {
      const end = endOfValue(text, i);
      if (end < 0) return unfinished(i);
      try {
        values.push(JSON.parse(text.slice(i, end)));
        i = end;
        continue;
      } catch {
        // Balanced but not JSON: a line of text that happens to start with a bracket.
      }
    }
    const newline = text.indexOf("\n", i);
    if (newline < 0) return unfinished(i);
    lines.push(text.slice(i, newline + 1));
    i = newline + 1;
  }
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
  const { values, lines } = splitProgress(text, true);
  return { events: toSolveStatuses(values), trailer: lines.join("").trim() };
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
