/** A build step's state change, as BuildCommand's onStep reports it. */
export interface StepEvent {
  readonly name: string;
  readonly state: "started" | "done" | "cached" | "error";
}

const MARK: Record<StepEvent["state"], string> = { started: "…", done: "✓", cached: "=", error: "✗" };

/**
 * One progress line per finished step (pure), for logs and terminals alike:
 * `cold build: ✓ [build 3/5] RUN npm ci (12.3s)`, `= ... (cached)`, `✗ ... failed`. Started steps
 * are not shown: a line each would double the output without saying more.
 */
export function stepLine(build: string, event: StepEvent, elapsedMs: number | undefined): string | undefined {
  if (event.state === "started") return undefined;
  const name = event.name.length > 120 ? `${event.name.slice(0, 117)}...` : event.name;
  const tail =
    event.state === "cached"
      ? " (cached)"
      : event.state === "error"
        ? " failed"
        : elapsedMs !== undefined
          ? ` (${(elapsedMs / 1000).toFixed(1)}s)`
          : "";
  return `${build}: ${MARK[event.state]} ${name}${tail}`;
}

/** An onStep callback that times each step from its start and sends a line per finished step. */
export function stepProgress(
  build: string,
  progress: (message: string) => void,
  now: () => number = () => performance.now(),
): (event: StepEvent) => void {
  const started = new Map<string, number>();
  return (event) => {
    if (event.state === "started") started.set(event.name, now());
    const start = started.get(event.name);
    const line = stepLine(build, event, start === undefined ? undefined : now() - start);
    if (line !== undefined) progress(line);
  };
}
