/**
 * Text with its whitespace removed: base64 as `base64`, PEM and `openssl` write it (wrapped at
 * 76 or 64 columns, or any other width, with `\n` or `\r\n`) becomes one contiguous run again.
 * Stateless: whitespace is dropped wherever chunks are cut.
 */
export class UnwrapView {
  push(chunk: Buffer): Buffer {
    return Buffer.from(chunk.toString("latin1").replace(/[\t\n\v\f\r ]+/g, ""), "latin1");
  }
}
