import { describe, expect, it } from "vitest";
import { decodeTextFile } from "./text-file.ts";

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : Buffer.from(p))));

describe("a learner file read as text", () => {
  it("drops a byte order mark, as BuildKit does, and keeps CRLF for the parser", () => {
    expect(decodeTextFile(bytes([0xef, 0xbb, 0xbf], "FROM x\r\n"), 1024)).toEqual({ text: "FROM x\r\n" });
  });
  it("keeps any UTF-8 text, the empty file included", () => {
    expect(decodeTextFile(bytes("# café ✓ 🐳\n"), 1024)).toEqual({ text: "# café ✓ 🐳\n" });
    expect(decodeTextFile(bytes(""), 1024)).toEqual({ text: "" });
  });
  it.each([
    ["a NUL byte", bytes("FROM x\n", [0], "y"), /NUL byte \(at byte 7\): it is a binary file/],
    ["Latin-1 bytes", bytes("# caf", [0xe9], "\n"), /not UTF-8 text \(byte 5 is not valid UTF-8\)/],
    ["a cut sequence at the end", bytes("ab", [0xe2, 0x9c]), /not UTF-8 text \(byte 2/],
    ["UTF-16", bytes([0xff, 0xfe, 0x46, 0x00]), /NUL byte|not UTF-8/],
    ["too many bytes", bytes("x".repeat(2048)), /it is 2 KiB, more than the 1 KiB read for checks/],
  ])("says why %s is not text, and echoes none of it", (_case, input, problem) => {
    const read = decodeTextFile(input, 1024);
    expect(read).toEqual({ problem: expect.stringMatching(problem) as unknown });
    expect(JSON.stringify(read)).not.toContain("\uFFFD");
  });
});
