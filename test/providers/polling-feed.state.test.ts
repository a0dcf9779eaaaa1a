// The polling feed's state as clients see it: a flapping provider changes it at most once per spacing, and its last word holds.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeedStatus } from '../../src/market/feed.js';
import { SignalsError } from '../../src/protocol/errors.js';
import { PollingFeed, STATE_SPACING_MS } from '../../src/providers/polling-feed.js';

afterEach(() => vi.useRealTimers());

describe('feed state', () => {
  it('one symbol failing every other poll flips the state at most once per spacing; once it answers, the feed is running', async () => {
    vi.useFakeTimers();
    let polls = 0;
    let flapping = true;
    const feed = new PollingFeed({
      name: 'flaky',
      fetchQuote: async () => {
        polls += 1;
        if (flapping && polls % 2 === 1) throw new SignalsError('PROVIDER_UNAVAILABLE', 'flaky answered HTTP 500');
        return undefined;
      },
      has: () => true,
      intervalMs: 250,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
      clock: () => Date.parse('2025-10-07T15:00:30Z'),
    });
    const statuses: FeedStatus[] = [];
    feed.onStatus((s) => statuses.push(s));
    feed.watch('AAPL');
    feed.start();
    await vi.advanceTimersByTimeAsync(7_000);
    expect(polls).toBeGreaterThanOrEqual(28);
    expect(statuses.length).toBeGreaterThanOrEqual(1);
    expect(statuses.length).toBeLessThanOrEqual(Math.ceil(7_000 / STATE_SPACING_MS));
    flapping = false;
    await vi.advanceTimersByTimeAsync(2 * STATE_SPACING_MS);
    expect(statuses.at(-1)?.state ?? 'running').toBe('running');
    feed.stop();
  });
});
