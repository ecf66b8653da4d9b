import { shellWords } from "../util/shell-words.ts";

/**
 * Heredoc markers (`<<EOF`, `<<-"END"`, `3<<IN1`) as BuildKit finds them (pure): the logical line
 * is split into shell words with quotes and escapes kept, and each word that is a whole marker
 * opens a heredoc. `cat<<EOF` (not its own word) and `<<<word` (a here-string) open none.
 */
export interface HeredocMarker {
  /** The terminator, with its quotes removed (`<<eo'f'` ends at `eof`). */
  readonly name: string;
  /** The file descriptor it feeds: 0 unless written (`3<<IN1`). */
  readonly fd: number;
  /** `<<-`: leading tabs are dropped from the terminator line (and the body, in RUN). */
  readonly chomp: boolean;
  /** False when any part of the terminator was quoted: the body is then taken literally. */
  readonly expand: boolean;
  /** The word as written, e.g. `<<-"END"`. */
  readonly word: string;
}

export interface Heredoc extends HeredocMarker {
  /** The body, each line with its newline, without the terminator line. */
  readonly content: string;
}

const MARKER = /^(\d*)<<(-?)\s*([^<]*)$/;

/** Instructions whose line may open heredocs (also under ONBUILD). */
export const HEREDOC_INSTRUCTIONS: ReadonlySet<string> = new Set(["RUN", "COPY", "ADD"]);

export function heredocMarkers(line: string): HeredocMarker[] {
  if (!line.includes("<<")) return [];
  const markers: HeredocMarker[] = [];
  for (const word of shellWords(line, true)) {
    const match = MARKER.exec(word);
    const rest = match?.[3] ?? "";
    if (!match || rest === "") continue;
    const unquoted = shellWords(rest, false);
    const raw = shellWords(rest, true);
    const name = unquoted[0];
    if (unquoted.length !== 1 || raw.length !== 1 || name === undefined) continue;
    markers.push({
      name,
      fd: match[1] === "" ? 0 : Number(match[1]),
      chomp: match[2] === "-",
      expand: quoteCount(name) === quoteCount(raw[0] ?? ""),
      word,
    });
  }
  return markers;
}

/** Whether an argument is a heredoc marker, i.e. inline content rather than a path. */
export function isHeredocWord(word: string): boolean {
  const match = MARKER.exec(word);
  return match !== null && (match[3] ?? "") !== "";
}

function quoteCount(word: string): number {
  return (word.match(/['"]/g) ?? []).length;
}
