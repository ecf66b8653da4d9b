/** Whole lines out of a stream's chunks, for progress read line by line. */
export interface LineSplitter {
  push(chunk: string): void;
  /** What came after the last newline so far. */
  rest(): string;
}

export function lineSplitter(onLine: (line: string) => void): LineSplitter {
  let partial = "";
  return {
    push(chunk) {
      partial += chunk;
      const lines = partial.split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    },
    rest: () => partial,
  };
}
