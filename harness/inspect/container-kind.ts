/** Compressed and archive formats the leak search opens, told by their first bytes (never by name). */
export type ContainerKind = "gzip" | "zlib" | "bzip2" | "xz" | "zstd" | "zip" | "tar";

/** How many leading bytes `sniffContainer` needs to decide (a tar header is 512). */
export const SNIFF_BYTES = 512;

export function sniffContainer(head: Buffer): ContainerKind | undefined {
  const at = (i: number): number => head[i] ?? -1;
  if (at(0) === 0x1f && at(1) === 0x8b && at(2) === 0x08) return "gzip";
  if (head.subarray(0, 6).equals(XZ)) return "xz";
  if (head.subarray(0, 4).equals(ZSTD)) return "zstd";
  if (head.subarray(0, 4).equals(ZIP)) return "zip";
  if (isBzip2(head)) return "bzip2";
  // zlib: deflate with a window of at most 32 KiB, no preset dictionary, header checksum.
  const cmf = at(0);
  const flg = at(1);
  if ((cmf & 0x0f) === 8 && cmf >> 4 <= 7 && flg >= 0 && (flg & 0x20) === 0 && (cmf * 256 + flg) % 31 === 0)
    return "zlib";
  if (head.length >= 512 && tarChecksumOk(head.subarray(0, 512))) return "tar";
  return undefined;
}

/** "BZh", a block size digit, then a block's magic (pi) or the end-of-stream magic (sqrt pi). */
function isBzip2(head: Buffer): boolean {
  const level = head[3] ?? 0;
  if (!head.subarray(0, 3).equals(BZH) || level < 0x31 || level > 0x39) return false;
  const magic = head.subarray(4, 10);
  return magic.equals(BZ_BLOCK) || magic.equals(BZ_END);
}

const BZH = Buffer.from("BZh");
const BZ_BLOCK = Buffer.from([0x31, 0x41, 0x59, 0x26, 0x53, 0x59]);
const BZ_END = Buffer.from([0x17, 0x72, 0x45, 0x38, 0x50, 0x90]);
const XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const ZSTD = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** Every tar format (v7, ustar, GNU, pax) has the header checksum; a random file fails it. */
function tarChecksumOk(header: Buffer): boolean {
  const field = header
    .toString("latin1", 148, 156)
    .replace(/[\0 ]+$/, "")
    .trim();
  if (!/^[0-7]{1,7}$/.test(field)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : (header[i] ?? 0);
  // A header of zeros (end of archive) is not a tar with entries.
  return sum !== 8 * 0x20 && sum === parseInt(field, 8);
}
