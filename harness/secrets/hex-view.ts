/**
 * The hex digits of a text, lower-cased and joined, so a value written as hex is found however
 * it is laid out: in either case, wrapped (`xxd -p`), separated by spaces, colons or commas
 * (`od -An -tx1`, `aa:bb`), with `0x` or `\x` prefixes, or as a dump with an offset column and
 * a character column (`xxd`, `hexdump -C`, `od -tx1z`), whose offsets and characters are
 * dropped. Works line by line; a line longer than `maxLine` is taken as plain hex text.
 */
export class HexView {
  private line: Buffer[] = [];
  private lineLength = 0;
  private readonly maxLine: number;

  constructor(maxLine = 4096) {
    this.maxLine = maxLine;
  }

  push(chunk: Buffer, final = false): Buffer {
    const out: Buffer[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline < 0 ? chunk.length : newline;
      if (this.lineLength + (end - start) > this.maxLine) {
        // Too long for a dump line: flush what is held as plain hex text.
        out.push(hexDigits(Buffer.concat([...this.line, chunk.subarray(start, end)])));
        this.line = [];
        this.lineLength = 0;
      } else if (end > start) {
        this.line.push(chunk.subarray(start, end));
        this.lineLength += end - start;
      }
      if (newline < 0) break;
      out.push(this.flushLine());
      start = newline + 1;
    }
    if (final) out.push(this.flushLine());
    return out.length === 1 ? (out[0] ?? Buffer.alloc(0)) : Buffer.concat(out);
  }

  private flushLine(): Buffer {
    const line = this.line.length === 1 ? (this.line[0] ?? Buffer.alloc(0)) : Buffer.concat(this.line);
    this.line = [];
    this.lineLength = 0;
    return hexDigits(dumpBody(line));
  }
}

/** The data part of a dump line (no offset, no character column), or the line itself. */
export function dumpBody(line: Buffer): Buffer {
  if (!startsLikeOffset(line)) return line;
  const text = line.toString("latin1");
  const offset = /^\s*([0-9a-fA-F]{4,16})(:?)(\s+)(\S+)/.exec(text);
  if (!offset) return line;
  const [, first = "", colon, , second = ""] = offset;
  // The first column is an offset when it ends with a colon (xxd) or is longer than the data
  // groups that follow it (od: 7 digits then 2; hexdump -C: 8 then 2); otherwise it is data.
  if (colon === "" && !(first.length >= 6 && /^[0-9a-fA-F]+$/.test(second) && second.length < first.length))
    return line;
  let body = text.slice(offset[0].length - second.length);
  // The character column: hexdump -C puts it between bars, od -z between > and <, xxd after two
  // spaces at the end of the data groups.
  const bar = body.search(/[|>]/);
  if (bar >= 0) body = body.slice(0, bar);
  else if (colon === ":") {
    const gap = body.search(/ {2}/);
    if (gap >= 0) body = body.slice(0, gap);
  }
  return Buffer.from(body, "latin1");
}

/** 4 to 16 hex digits, then a colon or a blank: cheap, so most lines skip the regex. */
function startsLikeOffset(line: Buffer): boolean {
  let i = 0;
  while (line[i] === 0x20) i++;
  const first = i;
  while (i - first <= 16 && isHex(line[i] ?? 0)) i++;
  const digits = i - first;
  const next = line[i];
  return digits >= 4 && digits <= 16 && (next === 0x3a || next === 0x20 || next === 0x09);
}

function isHex(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
}

/** Hex digits only, lower-cased; a `0x` or `\x` prefix is dropped with its `0`. */
export function hexDigits(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    let b = bytes[i] ?? 0;
    if ((b === 0x30 || b === 0x5c) && (bytes[i + 1] === 0x78 || bytes[i + 1] === 0x58)) {
      i++;
      continue;
    }
    if (b >= 0x41 && b <= 0x46) b += 0x20;
    if ((b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66)) out[o++] = b;
  }
  return out.subarray(0, o);
}
