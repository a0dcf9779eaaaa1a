// The signal log in a real Redis: numbering shared by nodes, reads, retention, fencing by lease, a new epoch when Redis loses its data.
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../src/log/redis-keys.js';
import { RedisLink } from '../../src/log/redis-link.js';
import { RedisLog } from '../../src/log/redis-log.js';
import type { Publication } from '../../src/log/signal-log.js';
import { startRedis, type TestRedis } from '../../bench/redis.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function decision(n: number): Publication {
  return {
    type: 'decision_update',
    data: {
      symbol: 'AAPL',
      decision: { action: 'NO_SIGNAL', reason: `r${n}` },
      timestamp: new Date().toISOString(),
      as_of: '2024-06-14T20:00:00.000Z',
    },
  } as Publication;
}

let redis: TestRedis;
let admin: Redis;
const opened: RedisLink[] = [];

async function node(id: string, retention?: { maxCount: number; maxAgeMs: number }, now?: () => number) {
  const link = new RedisLink({ url: redis.url, name: id, logger: quiet });
  opened.push(link);
  await link.connect();
  const log = new RedisLog({ link, nodeId: id, ...(retention ? { retention } : {}), ...(now ? { now } : {}) });
  await log.open();
  return log;
}

const lease = (symbol: string, id: string) => admin.set(redisKeys.lease(symbol), id);

beforeAll(async () => {
  redis = await startRedis();
  admin = new Redis(redis.url);
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
  await admin.flushall();
});
afterAll(async () => {
  admin.disconnect();
  await redis.destroy();
});

describe('RedisLog', () => {
  it('numbers per symbol from 1, reads back exactly what it sent, and knows head, oldest and latest', async () => {
    const log = await node('a');
    await lease('AAPL', 'a');
    for (let i = 1; i <= 5; i++) expect(await log.append('AAPL', decision(i))).toBe(i);
    const records = await log.read('AAPL', { afterSeq: 2, limit: 2 });
    expect(records.map((r) => r.seq)).toEqual([3, 4]);
    expect(JSON.parse(records[0]!.json)).toMatchObject({ data: { seq: 3, epoch: log.epoch, decision: { reason: 'r3' } } });
    expect([log.head('AAPL'), log.oldest('AAPL'), log.head('MSFT')]).toEqual([5, 1, 0]);
    expect(log.latest('AAPL')?.data.seq).toBe(5);
  });

  it('continues another node’s numbering: a lease changing hands never repeats or skips a seq', async () => {
    const a = await node('a');
    const b = await node('b');
    await lease('AAPL', 'a');
    await a.append('AAPL', decision(1));
    await a.append('AAPL', decision(2));
    await lease('AAPL', 'b');
    expect(await b.append('AAPL', decision(3))).toBe(3);
    await lease('AAPL', 'a');
    expect(await a.append('AAPL', decision(4))).toBe(4);
    expect((await b.read('AAPL')).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(a.epoch).toBe(b.epoch);
  });

  it('refuses an append from a node that does not hold the lease, and logs nothing', async () => {
    const a = await node('a');
    await lease('AAPL', 'b');
    await expect(a.append('AAPL', decision(1))).rejects.toThrow(/does not hold the analysis lease of AAPL/);
    expect(await a.read('AAPL')).toEqual([]);
  });

  it('relays each append to the other nodes, which then know the new head', async () => {
    const a = await node('a');
    const b = await node('b');
    const seen: number[] = [];
    b.onRemote((_symbol, publication) => seen.push(publication.data.seq ?? -1));
    a.onRemote(() => seen.push(-99));
    await lease('AAPL', 'a');
    await a.append('AAPL', decision(1));
    await a.append('AAPL', decision(2));
    for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([1, 2]);
    expect([b.head('AAPL'), b.latest('AAPL')?.data.seq]).toEqual([2, 2]);
  });

  it('keeps the newest records by count, and drops those older than the age, but never the newest', async () => {
    let clock = 1_000_000;
    const log = await node('a', { maxCount: 3, maxAgeMs: 10_000 }, () => clock);
    await lease('AAPL', 'a');
    for (let i = 1; i <= 5; i++) await log.append('AAPL', decision(i));
    expect((await log.read('AAPL')).map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(log.oldest('AAPL')).toBe(3);
    clock += 60_000;
    await log.append('AAPL', decision(6));
    expect((await log.read('AAPL')).map((r) => r.seq)).toEqual([6]);
    expect(log.oldest('AAPL')).toBe(6);
  });

  it('reads by append time', async () => {
    let clock = 5_000;
    const log = await node('a', undefined, () => clock);
    await lease('AAPL', 'a');
    for (let i = 1; i <= 6; i++) {
      clock = i * 1_000;
      await log.append('AAPL', decision(i));
    }
    expect((await log.read('AAPL', { fromTime: 2_000, toTime: 5_000 })).map((r) => r.seq)).toEqual([2, 3, 4]);
  });

  it('starts a new epoch when Redis has lost all its data: numbering starts again, under the new epoch', async () => {
    const log = await node('a');
    await lease('AAPL', 'a');
    await log.append('AAPL', decision(1));
    await log.append('AAPL', decision(2));
    const before = log.epoch;
    await admin.flushall();
    await lease('AAPL', 'a');
    expect(await log.append('AAPL', decision(3))).toBe(1);
    expect(log.epoch).not.toBe(before);
    expect(JSON.parse((await log.read('AAPL'))[0]!.json).data).toMatchObject({ seq: 1, epoch: log.epoch });
  });

  it('never hands out again a seq it has seen, when Redis lost a log but kept its epoch', async () => {
    const log = await node('a');
    await lease('AAPL', 'a');
    await log.append('AAPL', decision(1));
    await log.append('AAPL', decision(2));
    await admin.del(redisKeys.log('AAPL'));
    expect(await log.append('AAPL', decision(3))).toBe(3);
    expect((await log.read('AAPL')).map((r) => r.seq)).toEqual([3]);
  });
});
