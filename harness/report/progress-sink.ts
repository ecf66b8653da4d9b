import { stripControl } from "./safe-text.ts";

/**
 * Where progress goes (pure but for `write`). In a terminal the finished steps of a build share
 * one live line, redrawn in place, and only other messages (and failed steps) stay on screen; in
 * a log (CI) every message is a line of its own.
 */
export class ProgressSink {
  private live = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly terminal: { readonly columns: number } | undefined,
  ) {}

  message(prefix: string, text: string): void {
    const line = `${prefix}${stripControl(text).replace(/\n/g, " ")}`;
    const step = /: [✓=] /.test(text);
    if (this.terminal && step) {
      const width = Math.max(20, this.terminal.columns - 1);
      this.write(`\r\u001b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      this.live = true;
      return;
    }
    if (this.live) this.write("\r\u001b[2K");
    this.live = false;
    this.write(`${line}\n`);
  }

  /** Clears a live line before other output. */
  end(): void {
    if (this.live) this.write("\r\u001b[2K");
    this.live = false;
  }
}
