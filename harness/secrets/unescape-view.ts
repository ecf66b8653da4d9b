/**
 * The bytes a reader gets back from text written with escapes: URL `%XX`, and the backslash
 * escapes of JSON, JavaScript, C and `printf` (`\xXX`, `\uXXXX` with surrogate pairs, octal
 * `\NNN`, `\/`, `\n`...). Streaming: an escape cut by a chunk boundary is held until the next
 * chunk. Chunks without any escape character come back as they are, flagged, so a matcher that
 * already searched them raw can skip them.
 */
export class UnescapeView {
  private carry: Buffer = Buffer.alloc(0);

  /** `same` is true when the output is the input unchanged. */
  push(chunk: Buffer, final = false): { bytes: Buffer; same: boolean } {
    if (this.carry.length === 0 && chunk.indexOf(PERCENT) < 0 && chunk.indexOf(BACKSLASH) < 0)
      return { bytes: chunk, same: true };
    const input = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const out = Buffer.allocUnsafe(input.length * 3);
    let o = 0;
    let i = 0;
    while (i < input.length) {
      const b = input[i] ?? 0;
      if (b !== PERCENT && b !== BACKSLASH) {
        out[o++] = b;
        i++;
        continue;
      }
      // An escape needs at most 12 bytes (a surrogate pair); near the end, wait for more.
      if (!final && input.length - i < 12) break;
      const decoded = b === PERCENT ? percent(input, i) : backslash(input, i);
      if (decoded === undefined) {
        out[o++] = b;
        i++;
        continue;
      }
      o += out.write(decoded.text, o, "utf8");
      i += decoded.length;
    }
    this.carry = Buffer.from(input.subarray(i));
    return { bytes: out.subarray(0, o), same: false };
  }
}

const PERCENT = 0x25;
const BACKSLASH = 0x5c;

function hexAt(input: Buffer, at: number, digits: number): number | undefined {
  const text = input.toString("latin1", at, at + digits);
  return text.length === digits && /^[0-9a-fA-F]+$/.test(text) ? parseInt(text, 16) : undefined;
}

function percent(input: Buffer, i: number): { text: string; length: number } | undefined {
  const value = hexAt(input, i + 1, 2);
  return value === undefined ? undefined : { text: String.fromCharCode(value), length: 3 };
}

const SIMPLE: Record<string, string> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  f: "\f",
  v: "\v",
  "/": "/",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

function backslash(input: Buffer, i: number): { text: string; length: number } | undefined {
  const next = String.fromCharCode(input[i + 1] ?? 0);
  const simple = SIMPLE[next];
  if (simple !== undefined) return { text: simple, length: 2 };
  if (next === "x") {
    const value = hexAt(input, i + 2, 2);
    return value === undefined ? undefined : { text: String.fromCharCode(value), length: 4 };
  }
  if (next === "u") {
    const high = hexAt(input, i + 2, 4);
    if (high === undefined) return undefined;
    if (high >= 0xd800 && high < 0xdc00 && input[i + 6] === BACKSLASH && input[i + 7] === 0x75) {
      const low = hexAt(input, i + 8, 4);
      if (low !== undefined && low >= 0xdc00 && low < 0xe000)
        return { text: String.fromCharCode(high, low), length: 12 };
    }
    return { text: String.fromCharCode(high), length: 6 };
  }
  const octal = /^[0-3]?[0-7]{1,2}/.exec(input.toString("latin1", i + 1, i + 4));
  if (octal) return { text: String.fromCharCode(parseInt(octal[0], 8)), length: 1 + octal[0].length };
  return undefined;
}
