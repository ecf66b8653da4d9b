import { shellWords } from "../util/shell-words.ts";

/** One variable an ARG or ENV instruction declares, with its value as written (quotes removed). */
export interface VariableModel {
  readonly name: string;
  /** Undefined for an ARG without a default. */
  readonly value: string | undefined;
}

/** A value with its quotes and escapes resolved as the shell-like lexer would, variables left as written. */
export function unquote(value: string, escape: string): string {
  let out = "";
  let quote: string | undefined;
  const chars = Array.from(value);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] ?? "";
    if (quote === undefined && (ch === "'" || ch === '"')) quote = ch;
    else if (ch === quote) quote = undefined;
    else if (ch === escape && quote !== "'" && i + 1 < chars.length) out += chars[++i] ?? "";
    else out += ch;
  }
  return out;
}

/**
 * The variables an ARG or ENV declares, or the error BuildKit would stop with (pure). ENV has
 * two forms: `ENV NAME=value ...` (every word a pair) and the older `ENV NAME value words`
 * (one name, the rest of the line its value), chosen by whether the first word has an `=`.
 */
export function declaredVariables(
  keyword: string,
  text: string,
  escape: string,
): { readonly variables: readonly VariableModel[]; readonly problem?: string } {
  // BuildKit's own word split for ARG and ENV: quotes and escapes kept, so `A="two words"` is one.
  const words = shellWords(text, true, escape);
  if (words.length === 0) return { variables: [], problem: `${keyword} needs at least one argument` };
  const first = words[0] ?? "";
  if (keyword === "ENV" && !first.includes("=")) {
    const [name, value] = text.trim().split(/\s+(.*)/s);
    if (value === undefined || value === "")
      return { variables: [], problem: `ENV ${first} has no value (ENV NAME=value, or ENV NAME value)` };
    return { variables: [{ name: name ?? first, value: unquote(value, escape) }] };
  }
  const variables: VariableModel[] = [];
  for (const word of words) {
    const at = word.indexOf("=");
    if (at < 0 && keyword === "ENV")
      return { variables, problem: `ENV ${word} has no "=": every word of ENV NAME=value must be a pair` };
    const name = at < 0 ? word : word.slice(0, at);
    if (name === "") return { variables, problem: `${keyword} ${word} has no name before "="` };
    variables.push({ name, value: at < 0 ? undefined : unquote(word.slice(at + 1), escape) });
  }
  return { variables };
}
