/**
 * Text with its whitespace removed: base64 as `base64`, PEM and `openssl` write it (wrapped at
 * 76 or 64 columns, or any other width, with `\n` or `\r\n`) becomes one contiguous run again.
 */
export class UnwrapView {
  push(chunk: Buffer): Buffer {
    const out = Buffer.allocUnsafe(chunk.length);
    let o = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] ?? 0;
      // Tab, line feed, vertical tab, form feed, carriage return and space.
      if (b === 0x20 || (b >= 0x09 && b <= 0x0d)) continue;
      out[o++] = b;
    }
    return out.subarray(0, o);
  }
}
