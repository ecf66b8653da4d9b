import { StepFolder, type BuildStep } from "./build-step.ts";
import { splitProgress, toSolveStatuses } from "./rawjson.ts";

/** Kept of the CLI's own text among and after the events (its error message): the tail only. */
const TRAILER_TAIL = 16 * 1024;
/** An unterminated JSON value larger than this is not BuildKit's: treated as plain text. */
const MAX_PENDING = 32 * 1024 * 1024;

/**
 * `--progress=rawjson` parsed as it arrives: steps are folded as soon as their events are
 * complete, so a build's output is never held in memory whole (BuildKit events are small; a
 * step's log is kept as a tail by the folder).
 */
export class RawJsonStream {
  private readonly folder: StepFolder;
  private readonly onEvents: ((folder: StepFolder) => void) | undefined;
  private pending = "";
  private trailer = "";
  private bytes = 0;

  constructor(options: { logTail?: number; onEvents?: (folder: StepFolder) => void } = {}) {
    this.folder = new StepFolder(options.logTail);
    this.onEvents = options.onEvents;
  }

  push(chunk: string): void {
    this.bytes += chunk.length;
    const { values, lines, rest } = splitProgress(this.pending + chunk);
    if (values.length > 0) {
      this.folder.add(toSolveStatuses(values));
      this.onEvents?.(this.folder);
    }
    for (const line of lines) this.keepText(line);
    this.pending = rest;
    // Bounded: a line of text without end, or a value no BuildKit event is as large as.
    const head = rest.trimStart().charAt(0);
    const text = head !== "" && head !== "{" && head !== "[";
    if ((text && rest.length > TRAILER_TAIL) || rest.length > MAX_PENDING) {
      this.keepText(rest);
      this.pending = "";
    }
  }

  private keepText(text: string): void {
    this.trailer = (this.trailer + text).slice(-TRAILER_TAIL);
  }

  /** Characters seen so far (for the report's figures). */
  get size(): number {
    return this.bytes;
  }

  steps(): BuildStep[] {
    return this.folder.steps();
  }

  /** The CLI's text among and after the events (and an unfinished value at the end), trimmed. */
  text(): string {
    return (this.trailer + this.pending).slice(-TRAILER_TAIL).trim();
  }
}
