import { parseAttributes } from "../util/csv-fields.ts";

/**
 * An instruction's `--flags` as BuildKit reads them (pure): words that start with `--` at the
 * start of the arguments, quotes removed and the escape token honoured, up to the first other
 * word or a lone `--`.
 */
export interface FlagModel {
  readonly name: string;
  readonly value: string | undefined;
  /** `--mount=type=cache,target=/x` → {type: "cache", target: "/x"}; read as CSV, like BuildKit. */
  readonly options: Readonly<Record<string, string>>;
}

export interface SplitFlags {
  readonly flags: readonly FlagModel[];
  /** The arguments after the flags, as written. */
  readonly args: string;
}

export function splitFlags(text: string, escape: string): SplitFlags {
  const words: string[] = [];
  let pos = 0;
  for (;;) {
    while (pos < text.length && /\s/.test(text.charAt(pos))) pos++;
    if (!text.startsWith("--", pos)) break;
    let word = "";
    let quote = "";
    let blankOk = false;
    for (; pos < text.length; pos++) {
      const ch = text.charAt(pos);
      if (quote === "" && /\s/.test(ch)) break;
      if (quote === "" && (ch === "'" || ch === '"')) {
        quote = ch;
        blankOk = true;
        continue;
      }
      if (quote !== "" && ch === quote) {
        quote = "";
        continue;
      }
      if (ch === escape) {
        if (pos + 1 === text.length) continue;
        pos++;
        word += text.charAt(pos);
        continue;
      }
      word += ch;
    }
    if (word === "--") {
      return { flags: words.map(parseFlag), args: text.slice(pos).trim() };
    }
    if (blankOk || word.length > 0) words.push(word);
  }
  return { flags: words.map(parseFlag), args: text.slice(pos).trim() };
}

function parseFlag(word: string): FlagModel {
  const body = word.replace(/^--/, "");
  const eq = body.indexOf("=");
  const name = (eq < 0 ? body : body.slice(0, eq)).toLowerCase();
  const value = eq < 0 ? undefined : body.slice(eq + 1);
  const parsed = value !== undefined && value.includes("=") ? parseAttributes(value) : {};
  // BuildKit reads a mount's keys and its type in any case (`Type=Cache`).
  const options =
    name === "mount"
      ? Object.fromEntries(
          Object.entries(parsed).map(([k, v]) => [
            k.toLowerCase(),
            k.toLowerCase() === "type" ? v.toLowerCase() : v,
          ]),
        )
      : parsed;
  return { name, value, options };
}
