import { describe, expect, it } from "vitest";
import { ImageFilesystem } from "./image-filesystem.ts";
import { whiteoutOf, type LayerEntry } from "./layer-entry.ts";

const file = (path: string, extra: Partial<LayerEntry> = {}): LayerEntry => ({
  path,
  type: "file",
  size: 1,
  mode: 0o755,
  linkpath: undefined,
  whiteout: whiteoutOf(path),
  ...extra,
});

describe("image filesystem", () => {
  it("applies whiteouts and opaque directories to lower layers only", () => {
    const fs = new ImageFilesystem();
    fs.apply(file("app/secret"), 0);
    fs.apply(file("app/keep"), 0);
    fs.apply(file("cache/a"), 0);
    fs.apply(file("app/.wh.secret"), 1);
    fs.apply(file("cache/.wh..wh..opq"), 1);
    fs.apply(file("cache/b"), 1);
    expect(
      fs
        .all()
        .map((f) => f.path)
        .sort(),
    ).toEqual(["app/keep", "cache/b"]);
  });

  it("a whiteout of a directory removes everything under it", () => {
    const fs = new ImageFilesystem();
    fs.apply(file("root/.npm", { type: "directory" }), 0);
    fs.apply(file("root/.npm/_cacache/x"), 0);
    fs.apply(file("root/.wh..npm"), 1);
    expect(fs.all()).toEqual([]);
  });

  it("resolves symlinks, symlinked directories and hard links", () => {
    const fs = new ImageFilesystem();
    fs.apply(file("bin", { type: "symlink", linkpath: "usr/bin" }), 0);
    fs.apply(file("usr/bin/busybox", { size: 900 }), 0);
    fs.apply(file("usr/bin/sh", { type: "symlink", linkpath: "busybox" }), 0);
    fs.apply(file("usr/local/bin/app", { type: "hardlink", linkpath: "usr/bin/busybox" }), 1);
    expect(fs.resolve("/bin/sh")?.path).toBe("usr/bin/busybox");
    expect(fs.resolve("usr/local/bin/app")?.size).toBe(900);
    expect(fs.which("sh", "/usr/local/bin:/bin")?.path).toBe("usr/bin/busybox");
    expect(fs.which("./app", "", "/usr/local/bin")?.path).toBe("usr/bin/busybox");
  });

  it("gives up on symlink loops", () => {
    const fs = new ImageFilesystem();
    fs.apply(file("a", { type: "symlink", linkpath: "b" }), 0);
    fs.apply(file("b", { type: "symlink", linkpath: "a" }), 0);
    expect(fs.resolve("a")).toBeUndefined();
  });
});
