import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readElfHeader } from "./elf.ts";

const head = (arch: string): Uint8Array =>
  readFileSync(new URL(`./testdata/elf/busybox-${arch}.head`, import.meta.url));

describe("ELF header reader on Debian's busybox-static binaries", () => {
  it.each([
    ["amd64", "x86-64", "amd64", 64, "little"],
    ["arm64", "AArch64", "arm64", 64, "little"],
    ["armhf", "ARM", "arm", 32, "little"],
    ["i386", "Intel 80386", "386", 32, "little"],
    ["ppc64el", "PowerPC64", "ppc64le", 64, "little"],
    ["s390x", "IBM S/390", "s390x", 64, "big"],
  ])("%s", (debArch, machineName, architecture, bits, endian) => {
    const read = readElfHeader(head(debArch));
    expect(read.elf).toBe(true);
    if (read.elf) expect(read.header).toMatchObject({ machineName, architecture, bits, endian });
  });

  it("rejects a truncated header", () => {
    const read = readElfHeader(head("arm64").subarray(0, 12));
    expect(read).toEqual({ elf: false, reason: "a truncated ELF header (12 bytes)" });
  });
  it("rejects non-ELF files and says what they are", () => {
    expect(readElfHeader(Buffer.from("#!/bin/sh\necho hi\n"))).toEqual({
      elf: false,
      reason: "a script (#!), not a compiled binary",
    });
    expect(readElfHeader(Buffer.from("PK\x03\x04"))).toMatchObject({ elf: false, reason: "not an ELF file" });
    expect(readElfHeader(new Uint8Array())).toMatchObject({ elf: false, reason: "an empty file" });
  });
  it("rejects a corrupt class byte", () => {
    const bytes = Uint8Array.from(head("amd64"));
    bytes[4] = 9;
    expect(readElfHeader(bytes).elf).toBe(false);
  });
});
