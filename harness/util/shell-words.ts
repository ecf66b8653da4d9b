/**
 * Splits text into words on unquoted whitespace. With `raw`, quotes and backslashes stay in the
 * words (BuildKit's RawQuotes and RawEscapes); without, they are removed as a shell would.
 * `escape` is the Dockerfile's escape character (`# escape=` may make it a backtick).
 */
export function shellWords(text: string, raw: boolean, escape = "\\"): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote === undefined && /\s/.test(ch)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (ch === escape && quote !== "'" && i + 1 < text.length) {
      i++;
      word += raw ? ch + text.charAt(i) : text.charAt(i);
      continue;
    }
    if (quote === undefined && (ch === "'" || ch === '"')) {
      quote = ch;
      if (raw) word += ch;
      continue;
    }
    if (ch === quote) {
      quote = undefined;
      if (raw) word += ch;
      continue;
    }
    word += ch;
  }
  if (inWord) words.push(word);
  return words;
}
