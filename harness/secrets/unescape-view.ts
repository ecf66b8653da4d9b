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
      if (decoded.byte !== undefined) out[o++] = decoded.byte;
      else o += out.write(decoded.text, o, "utf8");
      i += decoded.length;
    }
    this.carry = Buffer.from(input.subarray(i));
    return { bytes: out.subarray(0, o), same: false };
  }
}

const PERCENT = 0x25;
const BACKSLASH = 0x5c;

// Byte by byte, without strings: a file of nothing but `%` or `\` must not slow the search.
function hexAt(input: Buffer, at: number, digits: number): number | undefined {
  let value = 0;
  for (let i = at; i < at + digits; i++) {
    const d = hexValue(input[i] ?? -1);
    if (d < 0) return undefined;
    value = value * 16 + d;
  }
  return value;
}

function hexValue(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

const isOctal = (b: number | undefined): b is number => b !== undefined && b >= 0x30 && b <= 0x37;

/** A decoded escape: one byte (`%XX`, `\xXX`, octal, `\n`...) or text to write as UTF-8 (`\uXXXX`). */
type Decoded =
  { byte: number; text?: undefined; length: number } | { byte?: undefined; text: string; length: number };

function percent(input: Buffer, i: number): Decoded | undefined {
  const value = hexAt(input, i + 1, 2);
  return value === undefined ? undefined : { byte: value, length: 3 };
}

/** The byte each one-letter backslash escape stands for, by the letter's code. */
const SIMPLE = new Map<number, number>(
  [
    ["n", 0x0a],
    ["r", 0x0d],
    ["t", 0x09],
    ["b", 0x08],
    ["f", 0x0c],
    ["v", 0x0b],
    ["/", 0x2f],
    ["\\", 0x5c],
    ['"', 0x22],
    ["'", 0x27],
  ].map(([letter = "", byte = 0]) => [String(letter).charCodeAt(0), Number(byte)]),
);

function backslash(input: Buffer, i: number): Decoded | undefined {
  const next = input[i + 1] ?? 0;
  const simple = SIMPLE.get(next);
  if (simple !== undefined) return { byte: simple, length: 2 };
  if (next === 0x78) {
    const value = hexAt(input, i + 2, 2);
    return value === undefined ? undefined : { byte: value, length: 4 };
  }
  if (next === 0x75) {
    const high = hexAt(input, i + 2, 4);
    if (high === undefined) return undefined;
    if (high >= 0xd800 && high < 0xdc00 && input[i + 6] === BACKSLASH && input[i + 7] === 0x75) {
      const low = hexAt(input, i + 8, 4);
      if (low !== undefined && low >= 0xdc00 && low < 0xe000)
        return { text: String.fromCharCode(high, low), length: 12 };
    }
    return { text: String.fromCharCode(high), length: 6 };
  }
  // Octal: one to three digits, the value at most 0o377 (`\0`, `\12`, `\143`).
  let length = 0;
  let value = 0;
  while (length < 3 && isOctal(input[i + 1 + length])) {
    const next = value * 8 + ((input[i + 1 + length] ?? 0x30) - 0x30);
    if (next > 0o377) break;
    value = next;
    length++;
  }
  return length === 0 ? undefined : { byte: value, length: 1 + length };
}
