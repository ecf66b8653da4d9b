/**
 * The hex digits of a text, lower-cased and joined, so a value written as hex is found however
 * it is laid out: in either case, wrapped (`xxd -p`), separated by spaces, colons or commas
 * (`od -An -tx1`, `aa:bb`), with `0x` or `\x` prefixes, or as a dump with an offset column and
 * a character column (`xxd`, `hexdump -C`, `od -tx1z`), whose offsets and characters are
 * dropped. One linear pass per chunk; a line cut by a chunk boundary waits for the next chunk
 * (up to `maxLine` bytes; a longer line is taken as plain hex text).
 */
export class HexView {
  private carry: Buffer = Buffer.alloc(0);
  private readonly maxLine: number;

  constructor(maxLine = 4096) {
    this.maxLine = maxLine;
  }

  push(chunk: Buffer, final = false): Buffer {
    let input = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = Buffer.alloc(0);
    if (!final) {
      const cut = input.lastIndexOf(0x0a) + 1;
      if (input.length - cut <= this.maxLine) {
        this.carry = Buffer.from(input.subarray(cut));
        input = input.subarray(0, cut);
      }
    }
    // One spare byte: appendHex writes a byte before it knows whether to keep it.
    const out = Buffer.allocUnsafe(input.length + 1);
    // Most text has no line that could be a dump line: one pass over all of it.
    if (!DUMP_LIKE.test(input.toString("latin1"))) return out.subarray(0, appendHex(input, out, 0));
    let o = 0;
    let start = 0;
    while (start < input.length) {
      let end = input.indexOf(0x0a, start);
      if (end < 0) end = input.length;
      const line = input.subarray(start, end);
      o = startsLikeOffset(line)
        ? appendHex(Buffer.from(dumpBody(line.toString("latin1")), "latin1"), out, o)
        : appendHex(line, out, o);
      start = end + 1;
    }
    return out.subarray(0, o);
  }
}

const DUMP_LIKE = /(?:^|\n) *[0-9a-fA-F]{4,16}[: \t]/;

/** Lower-case hex digit for each byte, 0 for the rest. */
const HEX = new Uint8Array(256);
for (const c of "0123456789abcdef") HEX[c.charCodeAt(0)] = c.charCodeAt(0);
for (const c of "ABCDEF") HEX[c.charCodeAt(0)] = c.toLowerCase().charCodeAt(0);

/**
 * Appends the hex digits of `bytes` to `out` at `o`. Branch-free for digits (this loop sees
 * every byte of every layer); only text with a `0x` prefix takes the slower loop that takes the
 * prefix's `0` back.
 */
function appendHex(bytes: Uint8Array, out: Uint8Array, o: number): number {
  let at = o;
  const n = bytes.length;
  if (!hasPrefix(bytes)) {
    for (let i = 0; i < n; i++) {
      const h = HEX[bytes[i] ?? 0] ?? 0;
      out[at] = h;
      at += (h + 255) >> 8;
    }
    return at;
  }
  let previous = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i] ?? 0;
    const h = HEX[b] ?? 0;
    out[at] = h;
    at += (h + 255) >> 8;
    if (h === 0 && (b | 0x20) === 0x78 && previous === 0x30 && at > o) at--;
    previous = b;
  }
  return at;
}

function hasPrefix(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return buffer.includes("0x") || buffer.includes("0X");
}

/** 4 to 16 hex digits, then a colon or a blank: cheap, so most lines skip the regex. */
function startsLikeOffset(line: Buffer): boolean {
  let i = 0;
  while (line[i] === 0x20) i++;
  const first = i;
  while (i - first <= 16 && (HEX[line[i] ?? 0] ?? 0) !== 0) i++;
  const digits = i - first;
  const next = line[i];
  return digits >= 4 && digits <= 16 && (next === 0x3a || next === 0x20 || next === 0x09);
}

/** The data part of a dump line (no offset, no character column), or the line itself. */
export function dumpBody(line: string): string {
  const offset = /^\s*([0-9a-fA-F]{4,16})(:?)(\s+)(\S+)/.exec(line);
  if (!offset) return line;
  const [, first = "", colon, , second = ""] = offset;
  // The first column is an offset when it ends with a colon (xxd) or is longer than the data
  // groups that follow it (od: 7 digits then 2; hexdump -C: 8 then 2); otherwise it is data.
  if (colon === "" && !(first.length >= 6 && /^[0-9a-fA-F]+$/.test(second) && second.length < first.length))
    return line;
  let body = line.slice(offset[0].length - second.length);
  // The character column: hexdump -C puts it between bars, od -z between > and <, xxd after two
  // spaces at the end of the data groups.
  const bar = body.search(/[|>]/);
  if (bar >= 0) body = body.slice(0, bar);
  else if (colon === ":") {
    const gap = body.search(/ {2}/);
    if (gap >= 0) body = body.slice(0, gap);
  }
  return body;
}
