// End to end: `signals serve --provider yahoo` polling a local Yahoo chart server: quotes become price_update, a 1% move an analysis.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/cli.js';
import { startYahoo } from '../helpers/providers.js';
import { TestClient } from '../helpers/server.js';

let yahoo: Awaited<ReturnType<typeof startYahoo>> | undefined;
let serve: ReturnType<typeof spawnServe> | undefined;
afterEach(async () => {
  serve?.child.kill('SIGKILL');
  await yahoo?.close();
  serve = undefined;
  yahoo = undefined;
});

const isAnalysis = (m: { type: string }) => m.type === 'signal_update' || m.type === 'decision_update';

describe('signals serve --provider yahoo', () => {
  it('polls quotes into price_update; a 1% move from the last analysis starts another', async () => {
    yahoo = await startYahoo();
    yahoo.quotes.set('MSFT', { price: 520, time: '2025-10-07T15:00:00Z', previousClose: 523.98, volume: 9_000_000 });
    const env = { SIGNALS_YAHOO_URL: yahoo.url, SIGNALS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'signals-cache-')), FRED_API_KEY: '' };
    serve = spawnServe(['--provider', 'yahoo', '--symbols', 'SPY', '--market-clock', '2025-10-07T15:00:30Z', '--poll-interval', '1'], env);
    const client = await TestClient.connect(await serve.url);
    expect((await client.next((m) => m.type === 'feed_status')).data).toMatchObject({ feed: 'yahoo', market_state: 'open' });
    client.send({ type: 'subscribe', symbol: 'MSFT' });
    const price = await client.next((m) => m.type === 'price_update' && m.data.symbol === 'MSFT', 10_000);
    expect(price.data).toMatchObject({ price: 520, previous_close: 523.98, timestamp: '2025-10-07T15:00:00.000Z' });
    const initial = await client.next((m) => isAnalysis(m) && m.data.symbol === 'MSFT' && m.data.trigger === 'initial', 30_000);
    expect(initial.type === 'signal_update' || initial.data.decision.action === 'NO_SIGNAL').toBe(true);

    yahoo.quotes.set('MSFT', { price: 526, time: '2025-10-07T15:00:40Z', previousClose: 523.98, volume: 9_100_000 });
    const moved = await client.next((m) => isAnalysis(m) && m.data.symbol === 'MSFT' && m.data.trigger === 'price_move', 30_000);
    expect(moved.data.analysis_id).not.toBe(initial.data.analysis_id);
    // Under the threshold: prices flow, no analysis.
    yahoo.quotes.set('MSFT', { price: 527, time: '2025-10-07T15:00:50Z', previousClose: 523.98, volume: 9_200_000 });
    await client.next((m) => m.type === 'price_update' && m.data.price === 527, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(client.messages.filter((m) => isAnalysis(m) && m.data.symbol === 'MSFT')).toHaveLength(2);
    client.close();
  }, 90_000);
});
