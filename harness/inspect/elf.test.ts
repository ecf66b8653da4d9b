import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isRunnable, readElfHeader } from "./elf.ts";

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
  it("tells x32 from amd64, and what runs from what does not", () => {
    const read = (name: string) => {
      const r = readElfHeader(readFileSync(new URL(`./testdata/elf/${name}.head`, import.meta.url)));
      if (!r.elf) throw new Error(`${name} is not ELF`);
      return r.header;
    };
    const x32 = read("x32-exec");
    expect(x32).toMatchObject({
      bits: 32,
      architecture: "x32",
      machineName: "x86-64 (x32 ABI)",
      type: "executable",
    });
    const object = read("amd64-relocatable");
    expect(object).toMatchObject({ architecture: "amd64", type: "relocatable" });
    const shared = read("amd64-shared");
    expect(shared.type).toBe("shared-object");
    expect(isRunnable(x32, "usr/bin/tool", 0o755)).toBe(true);
    expect(isRunnable(x32, "usr/share/tool", 0o644)).toBe(false);
    expect(isRunnable(object, "usr/lib/x.o", 0o755)).toBe(false);
    expect(isRunnable(shared, "usr/lib/libtiny.so", 0o644)).toBe(true);
    expect(isRunnable(shared, "usr/local/go/src/debug/elf/testdata/libtiny.so", 0o644)).toBe(false);
  });
});
