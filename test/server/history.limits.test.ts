// What reading the log may cost a client: pages read in slices, read limits per address (WebSocket, HTTP and since replays), connections per address.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MemoryLog } from '../../src/log/memory-log.js';
import type { Publication, ReadOptions } from '../../src/log/signal-log.js';
import { SLICE_RECORDS } from '../../src/server/history.js';
import { startServer, TestClient } from '../helpers/server.js';

/** A publication of about `bytes` bytes. */
const decision = (symbol: string, i: number, bytes = 2_000): Publication => ({
  type: 'decision_update',
  data: {
    symbol,
    decision: { action: 'NO_SIGNAL', reason: `${i} ${'x'.repeat(bytes)}`, agent_summary: {} },
    timestamp: new Date().toISOString(),
    trigger: 'price_move',
  },
});

/** A memory log that counts the records its reads return, and the reads from its start (a replay `since` seq 0 begins with one). */
class CountingLog extends MemoryLog {
  recordsRead = 0;
  readsFromStart = 0;
  override async read(symbol: string, options?: ReadOptions) {
    const records = await super.read(symbol, options);
    this.recordsRead += records.length;
    if ((options?.afterSeq ?? 0) === 0) this.readsFromStart += 1;
    return records;
  }
}

/** A counter's value on /metrics, by its labels as written there. */
async function metric(http: string, series: string): Promise<number> {
  const text = await (await fetch(`${http}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

async function filled(count: number, bytes?: number): Promise<CountingLog> {
  const log = new CountingLog();
  for (let i = 1; i <= count; i++) await log.append('AAPL', decision('AAPL', i, bytes));
  log.recordsRead = 0;
  return log;
}

describe('history pages', () => {
  it('a page of limit=1000 stops reading the log once 256 KiB are written, over HTTP and WebSocket alike', async () => {
    const log = await filled(1_000);
    const ctx = await startServer({ log });
    const response = await fetch(`${ctx.http}/api/v1/signals/AAPL?limit=1000`);
    const page = (await response.json()) as { items: { data: { seq: number } }[]; next_seq: number };
    expect(page.items.length).toBeGreaterThan(100);
    expect(page.items.length).toBeLessThan(140);
    expect(page.next_seq).toBe(page.items.at(-1)!.data.seq);
    expect(page.items.map((m) => m.data.seq)).toEqual(page.items.map((_, i) => i + 1));
    expect(log.recordsRead).toBeLessThanOrEqual(page.items.length + SLICE_RECORDS);

    log.recordsRead = 0;
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'history', symbol: 'AAPL', since_seq: page.next_seq, limit: 1000, id: 'h' });
    const next = await c.next((m) => m.type === 'history' && m.id === 'h');
    expect(next.items[0].data.seq).toBe(page.next_seq + 1);
    expect(next.items.length).toBe(page.items.length);
    expect(log.recordsRead).toBeLessThanOrEqual(next.items.length + SLICE_RECORDS);
    c.close();
    await ctx.stop();
  });

  it('the last page has no next_seq, and an empty one is valid JSON', async () => {
    const ctx = await startServer({ log: await filled(40, 100) });
    const last = (await (await fetch(`${ctx.http}/api/v1/signals/AAPL?since_seq=5&limit=1000`)).json()) as { items: unknown[]; next_seq?: number };
    expect(last.items).toHaveLength(35);
    expect(last.next_seq).toBeUndefined();
    const empty = (await (await fetch(`${ctx.http}/api/v1/signals/AAPL?since_seq=40`)).json()) as { items: unknown[] };
    expect(empty.items).toEqual([]);
    await ctx.stop();
  });
});

describe('read limits per address', () => {
  it('HTTP history past the address read limit: 429 RATE_LIMITED with Retry-After; other addresses read on', async () => {
    const ctx = await startServer({ log: await filled(10, 100), limits: { readBurst: 3, readsPerSecond: 0.01 } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await fetch(`${ctx.http}/api/v1/signals/AAPL`)).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const refused = await fetch(`${ctx.http}/api/v1/signals/AAPL`);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
    const other = await TestClient.connect(`${ctx.url}/ws/signals`, { localAddress: '127.0.0.2' });
    other.send({ type: 'history', symbol: 'AAPL', id: 'o' });
    expect((await other.next((m) => m.id === 'o')).type).toBe('history');
    other.close();
    await ctx.stop();
  });

  it('WebSocket history requests share their address read limit across its connections', async () => {
    const ctx = await startServer({ log: await filled(10, 100), limits: { readBurst: 4, readsPerSecond: 0.01 } });
    const clients = await Promise.all([1, 2].map(() => TestClient.connect(`${ctx.url}/ws/signals`)));
    for (const [n, c] of clients.entries()) for (let i = 0; i < 3; i++) c.send({ type: 'history', symbol: 'AAPL', id: `${n}.${i}` });
    const answers = await Promise.all(
      clients.flatMap((c, n) => [0, 1, 2].map((i) => c.next((m) => m.id === `${n}.${i}`).then((m) => (m.type === 'history' ? 'page' : m.code)))),
    );
    expect(answers.filter((a) => a === 'page')).toHaveLength(4);
    expect(answers.filter((a) => a === 'RATE_LIMITED')).toHaveLength(2);
    for (const c of clients) c.close();
    await ctx.stop();
  });
});

describe('since replays and the address read limit', () => {
  it('a loop of subscribe with since and unsubscribe on 5 connections of one address replays no more than the address may read', async () => {
    const log = await filled(50, 100);
    const ctx = await startServer({ log, limits: { readBurst: 3, readsPerSecond: 0.01 } });
    const clients = await Promise.all([1, 2, 3, 4, 5].map(() => TestClient.connect(`${ctx.url}/ws/signals`)));
    for (let round = 0; round < 4; round++) {
      await Promise.all(
        clients.map(async (c, n) => {
          c.send({ type: 'subscribe', symbol: 'AAPL', since: { seq: 0, epoch: log.epoch }, id: `s${round}.${n}` });
          expect(await c.next((m) => m.id === `s${round}.${n}`)).toMatchObject({ type: 'subscribed', recovered: true });
          c.send({ type: 'unsubscribe', symbol: 'AAPL', id: `u${round}.${n}` });
          await c.next((m) => m.id === `u${round}.${n}`);
        }),
      );
    }
    // 20 replays asked for; the address had reads for 3, and the others waited for theirs until they were unsubscribed.
    expect(log.readsFromStart).toBe(3);
    expect(await metric(ctx.http, 'signals_log_reads_total{kind="replay"}')).toBe(3);
    for (const c of clients) expect(c.messages.filter((m) => m.type === 'error')).toEqual([]);
    // Another address has its own reads.
    const other = await TestClient.connect(`${ctx.url}/ws/signals`, { localAddress: '127.0.0.2' });
    other.send({ type: 'subscribe', symbol: 'AAPL', since: { seq: 0, epoch: log.epoch } });
    expect((await other.next((m) => m.type === 'decision_update' && m.data.seq === 50)).data.trigger).toBe('price_move');
    for (const c of [...clients, other]) c.close();
    await ctx.stop();
  });

  it('replays past the address read limit wait their turn: each connection gets all it missed, in order, and no error', async () => {
    const log = await filled(50, 100);
    const ctx = await startServer({ log, limits: { readBurst: 1, readsPerSecond: 4 } });
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(`${ctx.url}/ws/signals`)));
    for (const c of clients) c.send({ type: 'subscribe', symbol: 'AAPL', since: { seq: 10, epoch: log.epoch } });
    for (const c of clients) {
      await c.next((m) => m.type === 'decision_update' && m.data.seq === 50);
      expect(c.messages.filter((m) => m.type === 'decision_update').map((m) => m.data.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 11));
      expect(c.messages.filter((m) => m.type === 'error')).toEqual([]);
    }
    expect(await metric(ctx.http, 'signals_log_reads_total{kind="replay"}')).toBe(3);
    for (const c of clients) c.close();
    await ctx.stop();
  });
});

describe('connections per address', () => {
  it('a TCP connection past the per-address cap is closed at once; another address connects', async () => {
    const ctx = await startServer({ limits: { maxConnectionsPerAddress: 2 } });
    const kept = await Promise.all([1, 2].map(() => TestClient.connect(`${ctx.url}/ws/signals`)));
    const over = connect({ port: ctx.port, host: '127.0.0.1' });
    await new Promise((resolve) => over.once('close', resolve).once('error', () => undefined));
    const other = await TestClient.connect(`${ctx.url}/ws/signals`, { localAddress: '127.0.0.2' });
    other.close();
    for (const c of kept) c.close();
    await ctx.stop();
  });
});
