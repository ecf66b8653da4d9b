import { createHash } from "node:crypto";

/**
 * Go's "h1:" hash (pure): sha256 over the sorted lines `<sha256 hex of a file>  <name>\n`, in
 * base64. `go.sum` pins a module with two of them: its go.mod alone, and every file of the
 * module as its zip names them (`<module>@<version>/<path>`).
 */
export function hash1(files: Readonly<Record<string, string>>): string {
  const summary = Object.keys(files)
    .sort()
    .map(
      (name) =>
        `${createHash("sha256")
          .update(files[name] ?? "")
          .digest("hex")}  ${name}\n`,
    )
    .join("");
  return `h1:${createHash("sha256").update(summary).digest("base64")}`;
}

/** The two go.sum lines of a module version served from its files (pure). */
export function goSumLines(module: string, version: string, files: Readonly<Record<string, string>>): string {
  const zipped = Object.fromEntries(
    Object.entries(files).map(([path, text]) => [`${module}@${version}/${path}`, text]),
  );
  return [
    `${module} ${version} ${hash1(zipped)}`,
    `${module} ${version}/go.mod ${hash1({ "go.mod": files["go.mod"] ?? "" })}`,
    "",
  ].join("\n");
}
