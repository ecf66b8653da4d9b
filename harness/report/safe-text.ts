/**
 * Text that came from a submission (build logs, file names, messages quoting Dockerfile lines)
 * reaches terminals, Markdown and GitHub: these helpers keep it inert there (pure).
 */

/**
 * Drops control characters (ANSI escapes included, which rewrite an instructor's terminal) and
 * Unicode direction overrides (which make text read differently from what it is); keeps
 * newlines and tabs.
 */
export function stripControl(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === ESC) {
      i = escapeEnd(text, i);
      continue;
    }
    if (isControl(code)) continue;
    out += text.charAt(i);
  }
  return out;
}

const ESC = 0x1b;
const BEL = 0x07;

/** C0 and C1 controls but newline and tab, DEL, and the bidirectional overrides and isolates. */
function isControl(code: number): boolean {
  if (code === 0x0a || code === 0x09) return false;
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2066 && code <= 0x2069)
  );
}

/** Index of the last character of the escape sequence starting at `start` (CSI, OSC or a pair). */
function escapeEnd(text: string, start: number): number {
  const kind = text[start + 1];
  if (kind === "[") {
    // CSI: parameters and intermediates, then one final byte in @..~
    let i = start + 2;
    while (i < text.length && !/[@-~]/.test(text[i] ?? "")) i++;
    return i;
  }
  if (kind === "]") {
    // OSC: up to BEL or ESC \
    let i = start + 2;
    while (i < text.length && text.charCodeAt(i) !== BEL && text.charCodeAt(i) !== ESC) i++;
    return text.charCodeAt(i) === ESC ? i + 1 : i;
  }
  return Math.min(start + 1, text.length - 1);
}

/** Text as inert inline Markdown: one line, no emphasis, code, link, table cell or HTML. */
export function markdownInline(text: string): string {
  return stripControl(text)
    .replace(/\r?\n/g, " ")
    .replace(/[\\`*_[\]|]/g, "\\$&")
    .replace(/</g, "&lt;");
}

/** Cuts a text to `max` characters, saying so, without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const mark = " … (truncated)";
  let cut = Math.max(0, max - mark.length);
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return `${text.slice(0, cut)}${mark}`;
}

/** A Markdown code fence longer than any backtick run inside `lines`, so they cannot close it. */
export function fenceFor(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines)
    for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return "`".repeat(Math.max(3, longest + 1));
}

/**
 * A path relative to a workspace, normalised; undefined when it is absolute or climbs out with
 * `..` (an annotation must point inside the learner's files).
 */
export function workspacePath(path: string): string | undefined {
  const parts: string[] = [];
  for (const part of path.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") return undefined;
    parts.push(part);
  }
  if (path.startsWith("/") || path.startsWith("\\") || parts.length === 0) return undefined;
  return parts.join("/");
}
