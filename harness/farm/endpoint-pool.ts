import type { Endpoint } from "./endpoints.ts";

/** What one endpoint did over a batch: for the instructor's summary. */
export interface EndpointStats {
  readonly address: string;
  readonly slots: number;
  readonly jobs: number;
  readonly failures: number;
  /** Taken out of the rotation after failing several jobs in a row. */
  readonly down: boolean;
}

/** A job's outcome on the farm: its result, where it ran, and where it failed before. */
export interface PoolRun<T> {
  readonly result: T;
  readonly endpoint: string;
  readonly failed: readonly { readonly endpoint: string; readonly reason: string }[];
}

interface State {
  readonly endpoint: Endpoint;
  busy: number;
  jobs: number;
  failures: number;
  inARow: number;
  down: boolean;
}

/**
 * Spreads jobs over a farm of BuildKit endpoints, each running at most its `slots` at once. A
 * job whose result says the endpoint failed (not the learner) is run again on another endpoint,
 * once per endpoint at most; an endpoint that fails `downAfter` jobs in a row is taken out of
 * the rotation. When no endpoint is left to try, the last result stands: nothing is lost.
 */
export class EndpointPool {
  private readonly states: State[];
  private readonly downAfter: number;
  private waiters: (() => void)[] = [];

  constructor(endpoints: readonly Endpoint[], options: { downAfter?: number } = {}) {
    if (endpoints.length === 0) throw new RangeError("a farm needs at least one endpoint");
    this.states = endpoints.map((endpoint) => ({
      endpoint,
      busy: 0,
      jobs: 0,
      failures: 0,
      inARow: 0,
      down: false,
    }));
    this.downAfter = options.downAfter ?? 2;
  }

  /** Gradings the whole farm runs at once. */
  get capacity(): number {
    return this.states.reduce((t, s) => t + s.endpoint.slots, 0);
  }

  async run<T>(
    job: (endpoint: string) => Promise<T>,
    endpointFailure: (result: T) => string | undefined,
  ): Promise<PoolRun<T>> {
    const failed: { endpoint: string; reason: string }[] = [];
    const tried = new Set<string>();
    let last: { result: T; endpoint: string } | undefined;
    for (;;) {
      const state = await this.acquire(tried);
      if (!state) {
        if (last) return { ...last, failed };
        throw new Error("every endpoint of the farm is down");
      }
      const address = state.endpoint.address;
      tried.add(address);
      let result: T;
      try {
        result = await job(address);
      } finally {
        state.busy--;
        this.wake();
      }
      state.jobs++;
      const reason = endpointFailure(result);
      last = { result, endpoint: address };
      if (reason === undefined) {
        state.inARow = 0;
        return { result, endpoint: address, failed };
      }
      failed.push({ endpoint: address, reason });
      state.failures++;
      state.inARow++;
      if (state.inARow >= this.downAfter) state.down = true;
    }
  }

  stats(): EndpointStats[] {
    return this.states.map((s) => ({
      address: s.endpoint.address,
      slots: s.endpoint.slots,
      jobs: s.jobs,
      failures: s.failures,
      down: s.down,
    }));
  }

  /** A free slot on an endpoint not yet tried, the least busy first; undefined when none is left to try. */
  private async acquire(tried: ReadonlySet<string>): Promise<State | undefined> {
    for (;;) {
      const candidates = this.states.filter((s) => !s.down && !tried.has(s.endpoint.address));
      if (candidates.length === 0) return undefined;
      const free = candidates
        .filter((s) => s.busy < s.endpoint.slots)
        .sort((a, b) => b.endpoint.slots - b.busy - (a.endpoint.slots - a.busy) || a.jobs - b.jobs);
      const chosen = free[0];
      if (chosen) {
        chosen.busy++;
        return chosen;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
