// GET /api/v1/bars/{symbol} on a real server: the bundled daily bars up to the market clock, today's so far last, paged back with next_to, refused with stable codes.
import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { HistoryClient } from '../../src/client/history.js';
import { BarsPage, DEFAULT_BARS_LIMIT } from '../../src/protocol/bars.js';
import { startServer, store } from '../helpers/server.js';

const hold: Agent = {
  id: 'steady',
  name: 'Steady',
  analyze: async () => ({ kind: 'vote', signal: 'HOLD', confidence: 0.9, reasons: ['flat'], indicators: {} }),
};

/** The bundled bars of `symbol` dated before `day`, as the endpoint writes them. */
const barsBefore = (symbol: string, day: string) =>
  store
    .bars(symbol)
    .filter((b) => b.date < day)
    .map(({ date, open, high, low, close, volume }) => ({ date, open, high, low, close, volume }));

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

async function server(options: Parameters<typeof startServer>[0] = {}) {
  const ctx = await startServer({ agents: [hold], ...options });
  stop = ctx.stop;
  return ctx;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

describe('GET /api/v1/bars/{symbol}', () => {
  it('answers the newest bars closed by the market clock, oldest first, and nothing after it', async () => {
    const ctx = await server();
    // The manual feed's clock is 2024-11-01 15:00 UTC: that session has not closed, and the bundled data goes on past it.
    const expected = barsBefore('AAPL', '2024-11-01');
    expect(store.bars('AAPL').at(-1)!.date > '2024-11-01').toBe(true);
    const { status, body } = await get(`${ctx.http}/api/v1/bars/aapl`);
    expect(status).toBe(200);
    const page = BarsPage.parse(body);
    expect(page.symbol).toBe('AAPL');
    expect(page.as_of).toBe(ctx.feed.clock);
    expect(page.bars).toEqual(expected.slice(-DEFAULT_BARS_LIMIT));
    expect(page.next_to).toBe(expected.at(-DEFAULT_BARS_LIMIT - 1)!.date);
  });

  it("ends with the session's bar so far, from the latest quote, which the limit counts", async () => {
    const ctx = await server();
    ctx.feed.push('AAPL', 123.45);
    const page = BarsPage.parse((await get(`${ctx.http}/api/v1/bars/AAPL?limit=3`)).body);
    expect(page.bars).toHaveLength(3);
    expect(page.bars.slice(0, 2)).toEqual(barsBefore('AAPL', '2024-11-01').slice(-2));
    expect(page.bars[2]).toMatchObject({ date: '2024-11-01', close: 123.45, partial: true });
    // Once that day has closed, its bar is the bundled one.
    ctx.feed.clock = '2024-11-02T15:00:00.000Z';
    const later = BarsPage.parse((await get(`${ctx.http}/api/v1/bars/AAPL?limit=1&to=2024-11-01`)).body);
    expect(later.bars).toEqual(barsBefore('AAPL', '2024-11-02').slice(-1));
    expect(later.bars[0]!.date).toBe('2024-11-01');
  });

  it('pages back with next_to: every day from `from` once, in order', async () => {
    const ctx = await server();
    const history = new HistoryClient({ url: ctx.http });
    const got: string[] = [];
    let to: string | undefined = '2024-06-30';
    for (let pages = 0; to !== undefined && pages < 20; pages++) {
      const page = await history.bars('MSFT', { from: '2024-01-01', to, limit: 40 });
      got.unshift(...page.bars.map((b) => b.date));
      to = page.next_to;
    }
    expect(to).toBeUndefined();
    expect(got).toEqual(
      barsBefore('MSFT', '2024-07-01')
        .filter((b) => b.date >= '2024-01-01')
        .map((b) => b.date),
    );
  });

  it('refuses a bad parameter or symbol with 400 INVALID_MESSAGE, and an unknown symbol with 404 UNKNOWN_SYMBOL', async () => {
    const ctx = await server();
    for (const query of ['limit=0', 'limit=1001', 'limit=ten', 'limit=-1', 'from=yesterday', 'to=2024-02-30', 'from=2024-1-2']) {
      const { status, body } = await get(`${ctx.http}/api/v1/bars/AAPL?${query}`);
      expect([query, status, body.code]).toEqual([query, 400, 'INVALID_MESSAGE']);
    }
    for (const path of ['%', 'no%20such', 'A'.repeat(40)]) {
      const { status, body } = await get(`${ctx.http}/api/v1/bars/${path}`);
      expect([path, status, body.code]).toEqual([path, 400, 'INVALID_MESSAGE']);
    }
    const unknown = await get(`${ctx.http}/api/v1/bars/ZZZZ`);
    expect([unknown.status, unknown.body.code]).toEqual([404, 'UNKNOWN_SYMBOL']);
    await expect(new HistoryClient({ url: ctx.http }).bars('ZZZZ')).rejects.toMatchObject({ code: 'UNKNOWN_SYMBOL' });
  });

  it('needs the same token as a connection when authentication is on', async () => {
    const ctx = await server({ auth: { tokens: ['bars-secret'] } });
    const refused = await get(`${ctx.http}/api/v1/bars/AAPL`);
    expect([refused.status, refused.body.code]).toEqual([401, 'AUTH_FAILED']);
    expect((await get(`${ctx.http}/api/v1/bars/AAPL`, { authorization: 'Bearer bars-secret' })).status).toBe(200);
    const page = await new HistoryClient({ url: ctx.http, token: 'bars-secret' }).bars('AAPL', { limit: 5 });
    expect(page.bars).toHaveLength(5);
  });

  it("spends the address's reads of the history: past its burst, 429 RATE_LIMITED with Retry-After", async () => {
    const ctx = await server();
    const answers = await Promise.all(Array.from({ length: 40 }, () => fetch(`${ctx.http}/api/v1/bars/AAPL?limit=1`)));
    const limited = answers.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(answers.every((r) => r.status === 200 || r.status === 429)).toBe(true);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    const bodies = (await Promise.all(limited.map((r) => r.json()))) as { code: string }[];
    expect(new Set(bodies.map((b) => b.code))).toEqual(new Set(['RATE_LIMITED']));
    await Promise.all(answers.filter((r) => r.status === 200).map((r) => r.arrayBuffer()));
  });
});
