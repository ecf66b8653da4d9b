import { shellWords } from "../util/shell-words.ts";

/** One simple command of a `run:` script: its words, quotes removed, `${{ }}` expressions kept whole. */
export interface ShellCommand {
  readonly words: readonly string[];
  /** The script's line the command starts on (1-based). */
  readonly line: number;
}

const EXPRESSION = /\$\{\{[\s\S]*?\}\}/g;
// A private-use character marks where an expression was set aside; any the script itself
// holds are dropped first, so a script cannot forge one.
const MARK = "\uE000";
const MARKED = new RegExp(`${MARK}(\\d+)${MARK}`, "g");

/**
 * Splits a workflow script into simple commands on unquoted `;`, `&&`, `||`, `|`, `&` and line
 * ends (a backslash-newline continues the line). GitHub expressions are set aside first: they hold
 * spaces and `||` of their own, and GitHub substitutes them before the shell runs.
 */
export function shellCommands(script: string): ShellCommand[] {
  const expressions: string[] = [];
  const masked = script
    .replaceAll(MARK, "")
    .replace(EXPRESSION, (e) => `${MARK}${expressions.push(e) - 1}${MARK}`);
  const restore = (word: string): string =>
    word.replace(MARKED, (_, i: string) => expressions[Number(i)] ?? "");
  const commands: ShellCommand[] = [];
  let current = "";
  let line = 1;
  let startLine = 1;
  let quote: "'" | '"' | undefined;
  const flush = (): void => {
    const words = shellWords(current, false).map(restore);
    if (words.length > 0 && !words[0]?.startsWith("#")) commands.push({ words, line: startLine });
    current = "";
    startLine = line;
  };
  for (let i = 0; i < masked.length; i++) {
    const ch = masked.charAt(i);
    const next = masked.charAt(i + 1);
    if (ch === "\n") line++;
    if (ch === "\\" && quote !== "'" && next === "\n") {
      current += " ";
      line++;
      i++;
      continue;
    }
    if (ch === "\\" && quote !== "'") {
      current += ch + next;
      i++;
      continue;
    }
    if (quote === undefined && (ch === "'" || ch === '"')) quote = ch;
    else if (ch === quote) quote = undefined;
    if (quote === undefined) {
      if (ch === "#" && /(^|\s)$/.test(current)) {
        // A comment runs to the end of the line.
        while (i + 1 < masked.length && masked.charAt(i + 1) !== "\n") i++;
        continue;
      }
      // `2>&1` and `&>` redirect; they do not end the command.
      const redirect = ch === "&" && (/[<>]$/.test(current) || next === ">");
      if (!redirect && (ch === "\n" || ch === ";" || ch === "|" || ch === "&")) {
        if ((ch === "|" || ch === "&") && next === ch) i++;
        flush();
        if (ch === "\n") startLine = line;
        continue;
      }
    }
    current += ch;
  }
  flush();
  return commands;
}

/**
 * `NAME=value` assignments a script makes (`export NAME=...` included), in order, values with
 * quotes removed: where a later `$NAME` gets its text.
 */
export function shellAssignments(commands: readonly ShellCommand[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const { words } of commands) {
    const rest =
      words[0] === "export" || words[0] === "readonly" || words[0] === "local" ? words.slice(1) : words;
    for (const word of rest) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(word);
      if (!match) break;
      out.set(match[1] ?? "", match[2] ?? "");
    }
  }
  return out;
}
