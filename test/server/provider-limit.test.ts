// A provider's symbol limit refuses one subscription with PROVIDER_LIMIT; the others and the connection go on.
import { afterEach, describe, expect, it } from 'vitest';
import { SignalsError } from '../../src/protocol/errors.js';
import { ManualFeed, startServer, TestClient } from '../helpers/server.js';

/** A feed that, like Alpaca's free plan, streams at most `limit` symbols at once. */
class LimitedFeed extends ManualFeed {
  constructor(private readonly limit: number) {
    super();
  }

  override watch(symbol: string): void {
    if (!this.watched().includes(symbol) && this.watched().length >= this.limit) {
      throw new SignalsError('PROVIDER_LIMIT', `the feed streams at most ${this.limit} symbols at once; ${symbol} is one too many`);
    }
    super.watch(symbol);
  }
}

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

describe('a provider symbol limit', () => {
  it('refuses the symbol past the limit to the client that asked, with its code, and frees it for a later one', async () => {
    const feed = new LimitedFeed(2);
    const server = await startServer({ feed });
    stop = server.stop;
    const client = await TestClient.connect(server.url + '/ws/signals');
    client.send({ type: 'subscribe', symbols: ['AAPL', 'MSFT', 'NVDA'], id: 's1' });
    const error = await client.next((m) => m.type === 'error');
    expect(error).toMatchObject({ code: 'PROVIDER_LIMIT', id: 's1', error: expect.stringMatching(/NVDA is one too many/) });
    await client.next((m) => m.type === 'subscribed' && m.symbol === 'MSFT');
    expect(client.messages.filter((m) => m.type === 'subscribed').map((m) => m.symbol)).toEqual(['AAPL', 'MSFT']);
    expect(feed.watched().sort()).toEqual(['AAPL', 'MSFT']);
    // One leaves: the next one fits.
    client.send({ type: 'unsubscribe', symbol: 'AAPL' });
    await client.next((m) => m.type === 'unsubscribed' && m.symbol === 'AAPL');
    client.send({ type: 'subscribe', symbol: 'NVDA' });
    await client.next((m) => m.type === 'subscribed' && m.symbol === 'NVDA');
    expect(feed.watched().sort()).toEqual(['MSFT', 'NVDA']);
    expect(client.closed).toBeUndefined();
    client.close();
  });
});
