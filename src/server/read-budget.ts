// What reading the log may cost: byte budgets that pace history pages and recovery replays, a cap on pages read at once, and turns for replays.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { TokenBucket } from './limits.js';

/**
 * Bytes per second with a burst of one second's worth. A read spends what it sent and, once the budget is in
 * debt, waits until the debt is paid back: a reader is slowed down, never refused, and the waits queue in
 * the order of spending.
 * @example await budget.spend(json.length); // then read the next slice
 */
export class ByteBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perSecond;
    this.last = now();
  }

  /** Charges `bytes`; resolves once the budget is out of debt. */
  async spend(bytes: number): Promise<void> {
    const t = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    this.tokens -= bytes;
    if (this.tokens < 0) await new Promise((resolve) => setTimeout(resolve, Math.ceil((-this.tokens / this.perSecond) * 1000)));
  }
}

/** At most `size` holders at once; the others wait in order. */
export class Slots {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** Runs `task` in a slot. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.used >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used += 1;
    try {
      return await task();
    } finally {
      // The slot passes to the next in line, or is freed.
      const next = this.waiting.shift();
      if (next) next();
      else this.used -= 1;
    }
  }
}

/**
 * Tokens of a bucket handed out in the order they were asked for, one timer for all the waiters. A waiter
 * that no longer wants its turn when it comes (`wanted()` false) is passed over and takes nothing.
 * @example if (await address.replayTurns.take(() => !connection.closing)) replay();
 */
export class Turns {
  private readonly waiting: { wanted: () => boolean; resolve: (taken: boolean) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly bucket: TokenBucket) {}

  /** Resolves true once a token is taken for the caller, or false when its turn came and it no longer wanted one. */
  take(wanted: () => boolean): Promise<boolean> {
    return new Promise((resolve) => {
      this.waiting.push({ wanted, resolve });
      this.pump();
    });
  }

  private pump(): void {
    if (this.timer !== undefined) return;
    while (this.waiting.length > 0) {
      const first = this.waiting[0]!;
      if (!first.wanted()) {
        this.waiting.shift();
        first.resolve(false);
        continue;
      }
      if (!this.bucket.take()) break;
      this.waiting.shift();
      first.resolve(true);
    }
    if (this.waiting.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, this.bucket.msUntilAvailable()).unref();
  }
}

/**
 * Pays for `bytes` just read from the log out of every budget that applies, then gives the event loop a
 * turn: between two slices of a read, live traffic (heartbeats, publications) goes first.
 */
export async function paid(bytes: number, budgets: readonly ByteBudget[]): Promise<void> {
  await Promise.all(budgets.map((b) => b.spend(bytes)));
  await nextTurn();
}
