// End to end: `signals serve --provider alpaca` against a local Alpaca (stream and REST), a client subscribed, the stream dropped and restored.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { spawnServe } from '../helpers/cli.js';
import { startAlpaca } from '../helpers/providers.js';
import { TestClient } from '../helpers/server.js';

type Alpaca = Awaited<ReturnType<typeof startAlpaca>>;
let alpaca: Alpaca | undefined;
let serve: ReturnType<typeof spawnServe> | undefined;
afterEach(async () => {
  serve?.child.kill('SIGKILL');
  await alpaca?.close();
  serve = undefined;
  alpaca = undefined;
});

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function env(a: Alpaca, key = 'test-key'): Record<string, string> {
  return {
    APCA_API_KEY_ID: key,
    APCA_API_SECRET_KEY: 'test-secret',
    FRED_API_KEY: '',
    SIGNALS_ALPACA_DATA_URL: a.url,
    SIGNALS_ALPACA_STREAM_URL: a.streamUrl,
    SIGNALS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'signals-cache-')),
  };
}

const isAnalysis = (m: { type: string }) => m.type === 'signal_update' || m.type === 'decision_update';

describe('signals serve --provider alpaca', () => {
  it('streams prices, analyses on a 1% move, survives a dropped stream without duplicates, and follows client interest', async () => {
    alpaca = await startAlpaca();
    // 11:00 New York on a bundled trading day: the market is open and the REST history holds real bars.
    serve = spawnServe(['--provider', 'alpaca', '--symbols', 'SPY', '--market-clock', '2025-10-07T15:00:00Z', '--price-rate', '20'], env(alpaca));
    const url = await serve.url;
    const client = await TestClient.connect(url);
    const status = await client.next((m) => m.type === 'feed_status');
    expect(status.data).toMatchObject({ feed: 'alpaca', feed_state: 'running', market_state: 'open' });
    expect(alpaca.subscribed.has('AAPL')).toBe(false);

    client.send({ type: 'subscribe', symbol: 'AAPL' });
    await client.next((m) => m.type === 'subscribed' && m.symbol === 'AAPL');
    await until(() => alpaca!.subscribed.has('AAPL'), 'AAPL subscribed at the provider');
    // The REST priming (previous close, today so far) before the first trade.
    await until(() => alpaca!.requests.some((u) => u.pathname === '/v2/stocks/AAPL/bars' && u.searchParams.get('limit') === '10000'), 'priming');
    await new Promise((r) => setTimeout(r, 300));

    alpaca.trade('AAPL', 256.5, '2025-10-07T15:00:01Z');
    expect((await client.next((m) => m.type === 'price_update' && m.data.symbol === 'AAPL')).data.price).toBe(256.5);
    const initial = await client.next((m) => isAnalysis(m) && m.data.trigger === 'initial', 30_000);
    expect(initial.data.symbol).toBe('AAPL');
    // A real analysis of the provider's history, not a failure to get one.
    expect(initial.type === 'signal_update' || initial.data.decision.action === 'NO_SIGNAL').toBe(true);
    expect(initial.data.as_of).toMatch(/^2025-10-07T15:00/);

    alpaca.trade('AAPL', 260.4, '2025-10-07T15:00:02Z');
    const moved = await client.next((m) => isAnalysis(m) && m.data.trigger === 'price_move', 30_000);
    expect(moved.data.analysis_id).not.toBe(initial.data.analysis_id);

    // The stream drops mid-session; the server reconnects, resubscribes and tells every client.
    const before = client.messages.length;
    alpaca.drop();
    await client.next((m) => m.type === 'feed_status' && m.data.feed_state === 'reconnecting', 10_000, before);
    await client.next((m) => m.type === 'feed_status' && m.data.feed_state === 'running', 15_000, before);
    await until(() => alpaca!.clients.size === 1 && alpaca!.subscribed.has('AAPL'), 'resubscribed');
    alpaca.trade('AAPL', 261, '2025-10-07T15:03:00Z');
    await client.next((m) => m.type === 'price_update' && m.data.price === 261, 10_000, before);

    const statusBody = (await (await fetch(url.replace('ws://', 'http://').replace('/ws/signals', '/ws/status'))).json()) as {
      orchestrator: Record<string, unknown>;
    };
    expect(statusBody.orchestrator).toMatchObject({ feed: 'alpaca', feed_state: 'running', market_state: 'open' });
    const metrics = await (await fetch(url.replace('ws://', 'http://').replace('/ws/signals', '/metrics'))).text();
    expect(metrics).toMatch(/^signals_market_state\{state="open"\} 1$/m);
    expect(metrics).toMatch(/^signals_feed_state\{state="running"\} 1$/m);

    // No analysis twice, and no second "initial" after the reconnect.
    await new Promise((r) => setTimeout(r, 500));
    const analyses = client.messages.filter(isAnalysis);
    expect(new Set(analyses.map((m) => m.data.analysis_id)).size).toBe(analyses.length);
    expect(analyses.filter((m) => m.data.trigger === 'initial')).toHaveLength(1);
    expect(serve.child.exitCode).toBeNull();

    // The last client leaving AAPL drops it at the provider; SPY (configured) stays.
    client.send({ type: 'unsubscribe', symbol: 'AAPL' });
    await until(() => !alpaca!.subscribed.has('AAPL'), 'AAPL dropped at the provider');
    expect(alpaca.subscribed.has('SPY')).toBe(true);
    client.close();
  }, 90_000);

  it('a refused key ends the start with a clear message and exit code 16', async () => {
    alpaca = await startAlpaca();
    serve = spawnServe(['--provider', 'alpaca'], env(alpaca, 'wrong-key'));
    const { code } = await serve.exited;
    expect(code).toBe(ExitCode.PROVIDER_AUTH_FAILED);
    expect(code).toBe(16);
    expect(serve.log()).toMatch(/signals: alpaca's stream: 402 auth failed/);
  });

  it('no key at all: the same exit code, naming the variables to set', async () => {
    alpaca = await startAlpaca();
    serve = spawnServe(['--provider', 'alpaca'], { ...env(alpaca), APCA_API_KEY_ID: '', APCA_API_SECRET_KEY: '' });
    expect((await serve.exited).code).toBe(16);
    expect(serve.log()).toMatch(/set APCA_API_KEY_ID and APCA_API_SECRET_KEY/);
  });
});
