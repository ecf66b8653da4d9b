/**
 * Pure reader of an ELF file header: enough to tell which machine a binary is for. It needs the
 * first 20 bytes; anything shorter or without the magic is reported as not ELF.
 */
export interface ElfHeader {
  readonly bits: 32 | 64;
  readonly endian: "little" | "big";
  readonly machine: number;
  readonly machineName: string;
  /** The GOARCH/OCI architecture this machine type means, if it is one we know. */
  readonly architecture: string | undefined;
  readonly type: "executable" | "shared-object" | "relocatable" | "core" | "other";
}

export type ElfRead =
  { readonly elf: true; readonly header: ElfHeader } | { readonly elf: false; readonly reason: string };

const MACHINES: Record<
  number,
  { name: string; arch: (bits: 32 | 64, endian: "little" | "big") => string | undefined }
> = {
  0x03: { name: "Intel 80386", arch: () => "386" },
  0x08: {
    name: "MIPS",
    arch: (b, e) =>
      b === 64 ? (e === "little" ? "mips64le" : "mips64") : e === "little" ? "mipsle" : "mips",
  },
  0x14: { name: "PowerPC", arch: () => "ppc" },
  0x15: { name: "PowerPC64", arch: (_b, e) => (e === "little" ? "ppc64le" : "ppc64") },
  0x16: { name: "IBM S/390", arch: () => "s390x" },
  0x28: { name: "ARM", arch: () => "arm" },
  // A 32-bit x86-64 file is the x32 ABI, which an amd64 image cannot be said to run natively.
  0x3e: { name: "x86-64", arch: (b) => (b === 64 ? "amd64" : "x32") },
  0xb7: { name: "AArch64", arch: () => "arm64" },
  0xf3: { name: "RISC-V", arch: (b) => (b === 64 ? "riscv64" : "riscv32") },
  0x102: { name: "LoongArch", arch: () => "loong64" },
};

export function readElfHeader(bytes: Uint8Array): ElfRead {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    const start = Buffer.from(bytes.subarray(0, 2)).toString("latin1");
    return {
      elf: false,
      reason:
        start === "#!"
          ? "a script (#!), not a compiled binary"
          : bytes.length === 0
            ? "an empty file"
            : "not an ELF file",
    };
  }
  if (bytes.length < 20) return { elf: false, reason: `a truncated ELF header (${bytes.length} bytes)` };
  const bits = bytes[4] === 2 ? 64 : bytes[4] === 1 ? 32 : undefined;
  const endian = bytes[5] === 1 ? "little" : bytes[5] === 2 ? "big" : undefined;
  if (!bits || !endian) return { elf: false, reason: "an ELF header with an invalid class or data encoding" };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = endian === "little";
  const type = view.getUint16(16, little);
  const machine = view.getUint16(18, little);
  const known = MACHINES[machine];
  return {
    elf: true,
    header: {
      bits,
      endian,
      machine,
      machineName:
        machine === 0x3e && bits === 32
          ? "x86-64 (x32 ABI)"
          : (known?.name ?? `machine 0x${machine.toString(16)}`),
      architecture: known?.arch(bits, endian),
      type:
        type === 2
          ? "executable"
          : type === 3
            ? "shared-object"
            : type === 1
              ? "relocatable"
              : type === 4
                ? "core"
                : "other",
    },
  };
}

/**
 * Whether a file is something the platform would run (pure): an executable with an execute bit,
 * or a shared object (the loader maps libraries whatever their mode; a PIE program is one too).
 * Object files, core dumps and files under a `testdata` folder (Go's convention for data no
 * tool builds or runs, such as the foreign samples in the Go toolchain's own sources) are not.
 */
export function isRunnable(header: ElfHeader, path: string, mode: number): boolean {
  if (/(^|\/)testdata\//.test(path)) return false;
  if (header.type === "shared-object") return true;
  return header.type === "executable" && (mode & 0o111) !== 0;
}
