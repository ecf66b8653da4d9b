import { randomBytes } from "node:crypto";

/** One byte pattern to look for, and the encoding it stands for. */
export interface Needle {
  readonly encoding: string;
  readonly bytes: Buffer;
}

/**
 * A secret value planted for one run, with the usual encodings it may hide in: base64 (at each
 * of the three alignments it can take inside a longer base64 text), base64url, hex, and URL
 * encoding. Matches of any of them are leaks.
 */
export class Canary {
  readonly value: string;
  readonly needles: readonly Needle[];

  constructor(value: string) {
    if (value.length < 12)
      throw new Error("a canary must be at least 12 characters to be found without false matches");
    this.value = value;
    const raw = Buffer.from(value, "utf8");
    const needles: Needle[] = [{ encoding: "plain", bytes: raw }];
    for (let shift = 0; shift < 3; shift++) {
      // Inside a longer base64 text the value starts at byte offset `shift` of a 3-byte group:
      // encode it after `shift` filler bytes and keep only the characters that depend on the
      // value alone (not on the bytes before or after it).
      const total = shift + raw.length;
      const encoded = Buffer.concat([Buffer.alloc(shift), raw])
        .toString("base64")
        .replace(/=+$/, "");
      const start = [0, 2, 3][shift] ?? 0;
      const end = encoded.length - (total % 3 === 0 ? 0 : 1);
      const stable = encoded.slice(start, end);
      for (const [encoding, text] of [
        [`base64+${shift}`, stable],
        [`base64url+${shift}`, stable.replace(/\+/g, "-").replace(/\//g, "_")],
      ] as const) {
        if (text.length >= 12 && !needles.some((n) => n.bytes.toString() === text))
          needles.push({ encoding, bytes: Buffer.from(text) });
      }
    }
    needles.push({ encoding: "hex", bytes: Buffer.from(raw.toString("hex")) });
    const url = encodeURIComponent(value);
    if (url !== value) needles.push({ encoding: "url", bytes: Buffer.from(url) });
    this.needles = needles;
  }

  static random(prefix = "canary"): Canary {
    return new Canary(`${prefix}-${randomBytes(18).toString("base64url")}`);
  }

  /** The encodings of the canary found in `text`. */
  findIn(text: string | Buffer): string[] {
    const buffer = typeof text === "string" ? Buffer.from(text) : text;
    return this.needles.filter((n) => buffer.includes(n.bytes)).map((n) => n.encoding);
  }

  get longest(): number {
    return Math.max(...this.needles.map((n) => n.bytes.length));
  }
}
