import { HEREDOC_INSTRUCTIONS, heredocMarkers, type Heredoc } from "./heredoc.ts";

/**
 * A Dockerfile cut into instructions the way BuildKit's parser cuts it (pure): parser directives,
 * whole-line comments (also between continuation lines), line continuations with the escape
 * token (`\`, or a backtick after `# escape=``), empty continuation lines, and heredoc bodies that
 * follow the instruction line in the order their markers appear.
 */
export interface LogicalInstruction {
  /** Upper case; BuildKit reads keywords without regard to case. */
  readonly keyword: string;
  /** The first and last physical line, 1-based, heredoc bodies included. */
  readonly line: number;
  readonly endLine: number;
  /** Everything after the keyword, continuations joined, trimmed. */
  readonly rest: string;
  readonly heredocs: readonly Heredoc[];
}

export interface LogicalLines {
  readonly instructions: readonly LogicalInstruction[];
  readonly escape: "\\" | "`";
  readonly directives: Readonly<Record<string, string>>;
  readonly problems: readonly string[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const KNOWN_DIRECTIVES = new Set(["escape", "syntax", "check"]);

export function logicalLines(source: string): LogicalLines {
  const lines = source.replace(/^\uFEFF/, "").split("\n");
  // A final newline does not start another line.
  if (lines.at(-1) === "") lines.pop();
  const physical = lines.map((l) => l.replace(/\r$/, ""));
  const problems: string[] = [];
  const directives: Record<string, string> = {};
  let escape: "\\" | "`" = "\\";
  let continuation = continuationPattern(escape);
  let lookingForDirectives = true;
  const instructions: LogicalInstruction[] = [];

  let i = 0;
  while (i < physical.length) {
    const raw = physical[i] ?? "";
    i++;
    if (lookingForDirectives) {
      const directive = DIRECTIVE.exec(raw);
      const name = directive?.[1]?.toLowerCase();
      if (directive && name !== undefined && KNOWN_DIRECTIVES.has(name) && !(name in directives)) {
        const value = directive[2] ?? "";
        directives[name] = value;
        if (name === "escape") {
          if (value === "\\" || value === "`") {
            escape = value;
            continuation = continuationPattern(escape);
          } else problems.push(`line ${i}: invalid escape token '${value}' (use \\ or \`)`);
        }
        continue;
      }
      lookingForDirectives = false;
    }
    const trimmed = raw.trimStart();
    if (trimmed.startsWith("#")) continue;
    const start = i;
    let [text, ended] = cutContinuation(trimmed, continuation);
    if (ended && text.trim() === "") continue;
    while (!ended && i < physical.length) {
      const next = physical[i] ?? "";
      i++;
      if (next.trimStart().startsWith("#")) continue;
      if (next.trim() === "") continue;
      let part: string;
      [part, ended] = cutContinuation(next, continuation);
      text += part;
    }
    const line = text.trim();
    const keyword = (/^\S+/.exec(line)?.[0] ?? "").toUpperCase();
    const rest = line.slice(keyword.length).trim();
    const heredocs: Heredoc[] = [];
    if (opensHeredocs(keyword, rest)) {
      for (const marker of heredocMarkers(line)) {
        let content = "";
        let terminated = false;
        while (i < physical.length) {
          const body = physical[i] ?? "";
          i++;
          const candidate = marker.chomp ? body.replace(/^\t+/, "") : body;
          if (candidate === marker.name) {
            terminated = true;
            break;
          }
          content += body + "\n";
        }
        if (!terminated)
          problems.push(
            `line ${start}: heredoc ${marker.word} is never terminated by a line "${marker.name}"`,
          );
        heredocs.push({ ...marker, content });
      }
    }
    instructions.push({ keyword, line: start, endLine: i, rest, heredocs });
  }
  return { instructions, escape, directives, problems };
}

function opensHeredocs(keyword: string, rest: string): boolean {
  if (HEREDOC_INSTRUCTIONS.has(keyword)) return true;
  return keyword === "ONBUILD" && HEREDOC_INSTRUCTIONS.has((/^\S+/.exec(rest)?.[0] ?? "").toUpperCase());
}

/**
 * The escape token ends a line as a continuation unless it is itself escaped: `echo a\\` ends
 * the instruction, `echo a \` continues it.
 */
function continuationPattern(escape: string): RegExp {
  const e = escape === "`" ? "`" : "\\\\";
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
}

function cutContinuation(line: string, pattern: RegExp): [string, boolean] {
  if (!pattern.test(line)) return [line, true];
  return [line.replace(pattern, "$1"), false];
}
