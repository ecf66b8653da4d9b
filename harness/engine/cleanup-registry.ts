/**
 * Every resource a grading run creates (engine, builder, registry, temp dir) registers its
 * disposer here, so that a SIGINT or SIGTERM in the middle of a build still removes it all.
 */
type Disposer = () => Promise<void>;

const disposers = new Map<number, { label: string; dispose: Disposer }>();
let nextId = 1;
let handlersInstalled = false;
let shuttingDown = false;

export function registerCleanup(label: string, dispose: Disposer): () => void {
  installSignalHandlers();
  const id = nextId++;
  disposers.set(id, { label, dispose });
  return () => {
    disposers.delete(id);
  };
}

/** Runs all pending disposers, newest first (a builder goes before the engine it runs on). */
export async function disposeAll(): Promise<void> {
  const pending = [...disposers.entries()].reverse();
  disposers.clear();
  for (const [, { label, dispose }] of pending) {
    try {
      await dispose();
    } catch (error) {
      process.stderr.write(`cleanup of ${label} failed: ${String(error)}\n`);
    }
  }
}

export function pendingCleanups(): string[] {
  return [...disposers.values()].map((d) => d.label);
}

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      if (shuttingDown) return;
      shuttingDown = true;
      if (disposers.size > 0)
        process.stderr.write(`\n${signal}: removing builders, engines and temp files before exiting...\n`);
      void disposeAll().finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
    });
  }
}

/**
 * A resource's disposer, registered for signals and safe to call more than once: the first call
 * unregisters it and runs `body`; later calls wait for that same run.
 */
export function registerDisposer(label: string, body: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  const dispose = (): Promise<void> =>
    (running ??= (async () => {
      unregister();
      await body();
    })());
  const unregister = registerCleanup(label, dispose);
  return dispose;
}
