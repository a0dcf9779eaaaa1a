// At most one analysis per symbol in flight; requests during it coalesce into one follow-up.
import type { Trigger } from '../protocol/messages.js';

export interface SchedulerHooks {
  /** Runs one analysis to completion (its events are the runner's to publish). */
  run(symbol: string, trigger: Trigger): Promise<void>;
  /** Called synchronously as an analysis starts, e.g. to reset the monitor's reference price. */
  onStart?(symbol: string, trigger: Trigger): void;
  onError?(symbol: string, error: unknown, trigger: Trigger): void;
}

export class AnalysisScheduler {
  private readonly running = new Map<string, Promise<void>>();
  private readonly followUps = new Map<string, Trigger>();

  constructor(private readonly hooks: SchedulerHooks) {}

  /** Starts an analysis, or, when one is running for the symbol, queues a single follow-up. */
  request(symbol: string, trigger: Trigger): 'started' | 'coalesced' {
    if (this.running.has(symbol)) {
      if (!this.followUps.has(symbol)) this.followUps.set(symbol, trigger);
      return 'coalesced';
    }
    this.start(symbol, trigger);
    return 'started';
  }

  isRunning(symbol: string): boolean {
    return this.running.has(symbol);
  }

  get active(): number {
    return this.running.size;
  }

  /** Resolves once nothing is running or queued. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private start(symbol: string, trigger: Trigger): void {
    this.hooks.onStart?.(symbol, trigger);
    // Each analysis starts in a task of its own: a burst of requests then runs one analysis after
    // another (each streamed out before the next starts) instead of interleaving them all.
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.hooks.run(symbol, trigger))
      .catch((error: unknown) => this.hooks.onError?.(symbol, error, trigger))
      .finally(() => {
        this.running.delete(symbol);
        const next = this.followUps.get(symbol);
        if (next !== undefined) {
          this.followUps.delete(symbol);
          this.start(symbol, next);
        }
      });
    this.running.set(symbol, done);
  }
}
