/** The median of a round's figures (the middle one, the upper of two). */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

/** Milliseconds as seconds for a benchmark line. */
export function seconds(ms: number, digits = 1): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}

/**
 * A benchmark's `--rounds N`: a whole number from 1 to 50. Anything else is refused with why,
 * rather than a run of no rounds whose medians are NaN.
 */
export function parseRounds(text: string): number {
  const rounds = Number(text);
  if (!/^\d+$/.test(text) || rounds < 1 || rounds > 50)
    throw new RangeError(`--rounds takes a whole number from 1 to 50, not ${JSON.stringify(text)}`);
  return rounds;
}

/** `parseRounds` for a benchmark's command line: a bad value stops it with the reason, exit 2. */
export function roundsArg(text: string): number {
  try {
    return parseRounds(text);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
