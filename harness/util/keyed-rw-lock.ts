/** Gives the lock back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  readonly mode: "read" | "write";
  readonly grant: () => void;
}

interface KeyState {
  readers: number;
  writing: boolean;
  readonly queue: Waiter[];
}

/**
 * A readers-writer lock per key: any number of readers at once, or one writer alone. Waiters are
 * served in arrival order, so a steady stream of readers cannot starve a writer.
 */
export class KeyedRwLock {
  private readonly keys = new Map<string, KeyState>();

  read(key: string): Promise<Release> {
    return this.acquire(key, "read");
  }

  write(key: string): Promise<Release> {
    return this.acquire(key, "write");
  }

  /** Keys held or waited for: 0 once every holder has released. */
  get size(): number {
    return this.keys.size;
  }

  private acquire(key: string, mode: "read" | "write"): Promise<Release> {
    let state = this.keys.get(key);
    if (!state) {
      state = { readers: 0, writing: false, queue: [] };
      this.keys.set(key, state);
    }
    const held = state;
    return new Promise<Release>((resolve) => {
      held.queue.push({
        mode,
        grant: () => {
          let released = false;
          resolve(() => {
            if (released) return;
            released = true;
            if (mode === "read") held.readers -= 1;
            else held.writing = false;
            this.drain(key, held);
          });
        },
      });
      this.drain(key, held);
    });
  }

  private drain(key: string, state: KeyState): void {
    for (;;) {
      const next = state.queue[0];
      if (!next) break;
      if (state.writing) break;
      if (next.mode === "write" && state.readers > 0) break;
      state.queue.shift();
      if (next.mode === "read") state.readers += 1;
      else state.writing = true;
      next.grant();
      if (next.mode === "write") break;
    }
    if (!state.writing && state.readers === 0 && state.queue.length === 0) this.keys.delete(key);
  }
}
