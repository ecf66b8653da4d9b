import { describe, expect, it } from "vitest";
import { ImageFilesystem, type FileRecord } from "../../harness/inspect/image-filesystem.ts";
import { servedBinaries } from "./behaviour.ts";

/** An ELF header's first bytes: 64-bit, little-endian, e_machine at 18 (0xb7 aarch64). */
const elf = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0xb7, 0]);

function image(files: Record<string, string | Buffer>): ImageFilesystem {
  const fs = new ImageFilesystem();
  for (const [path, content] of Object.entries(files)) {
    const head = typeof content === "string" ? Buffer.from(content) : content;
    fs.apply(
      { path, type: "file", size: head.length, mode: 0o755, linkpath: undefined, whiteout: undefined },
      0,
      head,
    );
  }
  return fs;
}
const at = (fs: ImageFilesystem, path: string): FileRecord => {
  const file = fs.get(path);
  if (!file) throw new Error(`no ${path}`);
  return file;
};
const paths = (files: readonly FileRecord[]) => files.map((f) => f.path).sort();

describe("the binary that serves", () => {
  it("is the entrypoint when it is compiled", () => {
    const fs = image({ "usr/local/bin/app": elf });
    expect(paths(servedBinaries(fs, at(fs, "usr/local/bin/app"), undefined))).toEqual(["usr/local/bin/app"]);
  });
  it.each([
    ["exec by path", '#!/bin/sh\nset -eu\nexec /usr/local/bin/app -listen ":${PORT}"\n'],
    ["exec on PATH", '#!/bin/sh\nexec app "$@"\n'],
    ["a default in a parameter", '#!/bin/sh\nexec "${APP:-/usr/local/bin/app}"\n'],
  ])("is what a script runs (%s), with its interpreter", (_form, script) => {
    const fs = image({ "bin/sh": elf, "usr/local/bin/app": elf, "usr/local/bin/start": script });
    expect(paths(servedBinaries(fs, at(fs, "usr/local/bin/start"), undefined))).toEqual([
      "bin/sh",
      "usr/local/bin/app",
    ]);
  });
  it("follows the image's PATH", () => {
    const fs = image({ "opt/svc/app": elf, "start.sh": "#!/opt/svc/app\n" });
    expect(paths(servedBinaries(fs, at(fs, "start.sh"), { Env: ["PATH=/opt/svc"] }))).toEqual([
      "opt/svc/app",
    ]);
  });
  it("is nothing the grader can name when the script runs no file of the image", () => {
    const fs = image({ "start.sh": "#!/nonexistent/interpreter\necho hi\n" });
    expect(servedBinaries(fs, at(fs, "start.sh"), undefined)).toEqual([]);
  });
  it("is the file itself when it is neither compiled nor a script, so that it is judged", () => {
    const fs = image({ "app.txt": "hello" });
    expect(paths(servedBinaries(fs, at(fs, "app.txt"), undefined))).toEqual(["app.txt"]);
  });
});
