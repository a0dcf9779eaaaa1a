// The replay never goes silent: at the end of the data it starts again at --from and tells clients and the log; --no-loop ends, visibly.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/cli.js';
import { TestClient } from '../helpers/server.js';

let serve: ReturnType<typeof spawnServe> | undefined;
afterEach(() => {
  serve?.child.kill('SIGKILL');
  serve = undefined;
});

/** Two bundled days at about four steps a session: the end of the data within a few seconds. */
const FAST = ['--from', '2025-10-06', '--speed', '23400', '--symbols', 'SPY'];

describe('signals serve: the end of the replayed data', () => {
  it('starts again at --from, announcing each new cycle to clients and in the log, and prices go on', async () => {
    serve = spawnServe(FAST);
    const client = await TestClient.connect(await serve.url);
    client.send({ type: 'subscribe', symbol: 'SPY' });
    const cycle = await client.next((m) => m.type === 'feed_status' && m.data.cycle === 2, 20_000);
    expect(cycle.data).toMatchObject({
      feed: 'replay',
      source: 'bundled data',
      feed_state: 'running',
      reason: expect.stringMatching(/starts again at 2025-10-06/),
    });
    const at = client.messages.indexOf(cycle);
    const price = await client.next((m) => m.type === 'price_update' && m.data.symbol === 'SPY', 10_000, at);
    expect(price.data.timestamp.slice(0, 10)).toBe('2025-10-06');
    expect(serve.log()).toMatch(/starts again at 2025-10-06/);
    client.close();
  }, 40_000);

  it('with --no-loop, the feed ends and every client is told so (never a frozen "connected")', async () => {
    serve = spawnServe([...FAST, '--no-loop']);
    const client = await TestClient.connect(await serve.url);
    const ended = await client.next((m) => m.type === 'feed_status' && m.data.feed_state === 'ended', 20_000);
    expect(ended.data.reason).toMatch(/end of the data .*without --no-loop/);
    const status = (await (await fetch((await serve.url).replace('ws://', 'http://').replace('/ws/signals', '/ws/status'))).json()) as {
      orchestrator: Record<string, unknown>;
    };
    expect(status.orchestrator).toMatchObject({ feed_state: 'ended', feed: 'replay', feed_source: 'bundled data' });
    client.close();
  }, 40_000);
});
