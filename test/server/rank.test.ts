// The `rank` request on a real server (port 0): the universe ranked as of the market clock, as `signals rank` ranks it, rows as asked for, refusals with codes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalsClient } from '../../src/client/client.js';
import { RankMessage } from '../../src/protocol/messages.js';
import { run } from '../helpers/cli.js';
import { startServer, TestClient } from '../helpers/server.js';

// The ManualFeed's market clock: 2024-11-01 15:00 UTC, a Friday with the market open, so Thursday's close is the latest.
const LATEST = '2024-10-31';
let ctx: Awaited<ReturnType<typeof startServer>>;
let client: TestClient;
beforeAll(async () => {
  ctx = await startServer({ limits: { analyzeBurst: 20, analyzePerSecond: 20 } });
  client = await TestClient.connect(`${ctx.url}/ws/signals`);
});
afterAll(async () => {
  client.close();
  await ctx.stop();
});

const answer = (id: string) => client.next((m) => (m.type === 'rank' || m.type === 'error') && m.id === id, 60_000);

describe('rank request', () => {
  it('without as_of: the latest session the market clock has closed, every member ranked, the same as `signals rank --as-of` that day', async () => {
    client.send({ type: 'rank', id: 'all' });
    const m = RankMessage.parse(await answer('all'));
    expect(m.data.bar_date).toBe(LATEST);
    expect(m.data.requested).toBeNull();
    expect(m.data.universe).toMatchObject({ name: 'bundled', benchmark: 'SPY' });
    expect(m.data.rows.length).toBe(m.data.universe.ranked);
    expect(m.data.rows.map((r) => r.rank)).toEqual(m.data.rows.map((_, i) => i + 1));
    expect(m.data.data_source).toMatchObject({ source: 'bundled' });
    const cli = JSON.parse(run(['rank', '--as-of', LATEST, '--json'], {}, 120_000).stdout);
    expect(m.data.rows).toEqual(cli.rows);
    expect(m.data.evidence).toEqual(cli.evidence);
  }, 180_000);

  it('top and symbols: the top and bottom rows and those asked for, each keeping its rank; a weekend as_of is the Friday', async () => {
    client.send({ type: 'rank', as_of: '2024-06-15', top: 2, symbols: ['jpm', 'ZZZQ'], id: 'some' });
    const m = RankMessage.parse(await answer('some'));
    expect(m.data).toMatchObject({ bar_date: '2024-06-14', requested: '2024-06-15' });
    const n = m.data.universe.ranked;
    const ranks = m.data.rows.map((r) => r.rank);
    expect(ranks.slice(0, 2)).toEqual([1, 2]);
    expect(ranks.slice(-2)).toEqual([n - 1, n]);
    expect(m.data.rows.some((r) => r.symbol === 'JPM')).toBe(true);
    expect(m.data.rows.length).toBe(new Set([1, 2, n - 1, n, m.data.rows.find((r) => r.symbol === 'JPM')!.rank]).size);
  }, 120_000);

  it('refuses a day after the market clock or before the data with DATE_OUT_OF_RANGE, and a malformed one with INVALID_MESSAGE', async () => {
    client.send({ type: 'rank', as_of: '2024-11-01', id: 'future' });
    expect(await answer('future')).toMatchObject({
      type: 'error',
      code: 'DATE_OUT_OF_RANGE',
      error: expect.stringMatching(/after the latest session .*2024-10-31/),
    });
    client.send({ type: 'rank', as_of: '1999-01-04', id: 'past' });
    expect(await answer('past')).toMatchObject({ type: 'error', code: 'DATE_OUT_OF_RANGE' });
    client.send({ type: 'rank', as_of: '2024-02-30', id: 'bad' });
    expect(await answer('bad')).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
    client.send({ type: 'rank', as_of: '2024-6-14', id: 'short' });
    expect(await answer('short')).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
    client.send({ type: 'rank', top: 0, id: 'zero' });
    expect(await answer('zero')).toMatchObject({ type: 'error', code: 'INVALID_MESSAGE' });
  });

  it('a second rank while one is under way, and ranks past the analyze limit, are RATE_LIMITED', async () => {
    const other = await TestClient.connect(`${ctx.url}/ws/signals`);
    // A day not yet ranked, so that the first is still under way when the second arrives.
    other.send({ type: 'rank', as_of: '2023-03-15', id: 'first' });
    other.send({ type: 'rank', id: 'second' });
    expect(await other.next((m) => m.id === 'second', 10_000)).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    expect(await other.next((m) => m.id === 'first', 60_000)).toMatchObject({ type: 'rank' });
    other.close();
    const limited = await startServer({ limits: { analyzeBurst: 1, analyzePerSecond: 0.01 } });
    const c = await TestClient.connect(`${limited.url}/ws/signals`);
    c.send({ type: 'rank', id: 'one' });
    await c.next((m) => m.id === 'one', 60_000);
    c.send({ type: 'rank', id: 'two' });
    expect(await c.next((m) => m.id === 'two', 10_000)).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    c.close();
    await limited.stop();
  }, 120_000);

  it('SignalsClient.rank: the answer arrives as a typed `rank` event with its id', async () => {
    const typed = new SignalsClient({ url: `${ctx.url}/ws/signals`, reconnect: false });
    await typed.connect();
    const got = new Promise<RankMessage>((resolve) => typed.on('rank', resolve));
    const id = typed.rank({ asOf: LATEST, top: 1 });
    const m = await got;
    expect(m.id).toBe(id);
    expect(m.data.rows.map((r) => r.rank)).toEqual([1, m.data.universe.ranked]);
    typed.close();
  }, 60_000);
});
