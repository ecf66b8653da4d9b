import { randomBytes } from "node:crypto";

/** One byte pattern to look for, and the encoding it stands for. */
export interface Needle {
  readonly encoding: string;
  readonly bytes: Buffer;
}

/**
 * A secret value planted for one run, and the patterns it may hide in. `needles` are searched in
 * the bytes as they are: the value, base64 and base64url (at each of the three alignments it can
 * take inside a longer base64 text), hex and URL encoding. The other sets are searched in views
 * of the bytes (see ContentMatcher): `escaped` after URL and backslash escapes are decoded,
 * `wrapped` after whitespace is removed, `hex` in the hex digits of the text.
 */
export class Canary {
  readonly value: string;
  readonly needles: readonly Needle[];
  readonly escaped: readonly Needle[];
  readonly wrapped: readonly Needle[];
  readonly hex: readonly Needle[];

  constructor(value: string) {
    if (value.length < 12)
      throw new Error("a canary must be at least 12 characters to be found without false matches");
    this.value = value;
    const raw = Buffer.from(value, "utf8");
    const base64: Needle[] = [];
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
        if (text.length >= 12 && !base64.some((n) => n.bytes.toString() === text))
          base64.push({ encoding, bytes: Buffer.from(text) });
      }
    }
    const plain: Needle = { encoding: "plain", bytes: raw };
    const hex: Needle = { encoding: "hex", bytes: Buffer.from(raw.toString("hex")) };
    const url = encodeURIComponent(value);
    this.needles = [
      plain,
      ...base64,
      hex,
      ...(url !== value ? [{ encoding: "url", bytes: Buffer.from(url) }] : []),
    ];
    this.escaped = [plain, ...base64].map((n) => ({ ...n, encoding: `${n.encoding} (escaped)` }));
    this.wrapped = base64.map((n) => ({ ...n, encoding: `${n.encoding} (wrapped)` }));
    this.hex = [
      { encoding: "hex (spaced, wrapped or dumped)", bytes: hex.bytes },
      // `od -x` and `hexdump` print 16-bit words, byte-swapped on little-endian machines.
      ...[0, 1].map((shift) => ({
        encoding: `hex (16-bit words+${shift})`,
        bytes: Buffer.from(swapPairs(raw.subarray(shift)).toString("hex")),
      })),
    ];
  }

  static random(prefix = "canary"): Canary {
    return new Canary(`${prefix}-${randomBytes(18).toString("base64url")}`);
  }

  get longest(): number {
    return Math.max(...this.needles.map((n) => n.bytes.length));
  }
}

function swapPairs(bytes: Buffer): Buffer {
  const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
  return Buffer.from(even).swap16();
}
