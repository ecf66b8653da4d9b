import { StepFolder, type BuildStep } from "./build-step.ts";
import { splitJsonStream, toSolveStatuses } from "./rawjson.ts";

/** Kept of the CLI's own text after the JSON stream (its error message): the tail only. */
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
  private inTrailer = false;
  private bytes = 0;

  constructor(options: { logTail?: number; onEvents?: (folder: StepFolder) => void } = {}) {
    this.folder = new StepFolder(options.logTail);
    this.onEvents = options.onEvents;
  }

  push(chunk: string): void {
    this.bytes += chunk.length;
    if (this.inTrailer) {
      this.trailer = (this.trailer + chunk).slice(-TRAILER_TAIL);
      return;
    }
    this.pending += chunk;
    const { values, rest } = splitJsonStream(this.pending);
    this.pending = rest;
    if (values.length > 0) {
      this.folder.add(toSolveStatuses(values));
      this.onEvents?.(this.folder);
    }
    const head = rest.trimStart();
    if ((head.length > 0 && head[0] !== "{" && head[0] !== "[") || rest.length > MAX_PENDING) {
      this.inTrailer = true;
      this.trailer = rest.slice(-TRAILER_TAIL);
      this.pending = "";
    }
  }

  /** Characters seen so far (for the report's figures). */
  get size(): number {
    return this.bytes;
  }

  steps(): BuildStep[] {
    return this.folder.steps();
  }

  /** The CLI's text after the events (or an unfinished value at the end), trimmed. */
  text(): string {
    return (this.inTrailer ? this.trailer : this.pending.slice(-TRAILER_TAIL)).trim();
  }
}
