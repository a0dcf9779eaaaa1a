// A signal log that lost a middle segment (moved away by an operator): a cursor across the hole is not "recovered", and history marks it.
import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { SegmentLog } from '../../src/log/segment-log.js';
import { ServerMessage } from '../../src/protocol/messages.js';
import { startServer, TestClient } from '../helpers/server.js';
import { decision } from '../helpers/publications.js';

const hold: Agent = {
  id: 'steady',
  name: 'Steady',
  analyze: async () => ({ kind: 'vote', signal: 'HOLD', confidence: 0.9, reasons: ['flat'], indicators: {} }),
};
const GONE = { from: 5001, to: 6000 };

describe('a log with a segment moved away (seqs 5001-6000 of 6500)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signals-hole-'));
  let epoch: string;
  beforeAll(async () => {
    const log = SegmentLog.open({ dir });
    for (let n = 1; n <= 6500; n++) await log.append('AAPL', decision(n));
    epoch = log.epoch;
    await log.close();
    // What an operator does after STATE_CORRUPT: move the damaged file away.
    renameSync(join(dir, 'log', 'AAPL', '000000005001.seg'), join(dir, 'moved-away.seg'));
  });

  // Each server reopens the log: the hole is found again on every start.
  let ctx: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    ctx = await startServer({ agents: [hold], log: SegmentLog.open({ dir }) });
  });
  afterAll(async () => {
    await ctx.stop();
  });

  it.each([
    [5500, [{ from: 5501, to: 6000 }]],
    [4000, [GONE]],
  ])('a cursor at %i is answered recovered: false with the missing range, then the snapshot', async (seq, missing) => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'subscribe', symbol: 'AAPL', since: { seq, epoch } });
    const ack = await c.next((m) => m.type === 'subscribed');
    expect(ack).toMatchObject({ recovered: false, seq: 6500, epoch, missing });
    expect(ServerMessage.safeParse(ack).success).toBe(true);
    const snapshot = await c.next((m) => m.type === 'decision_update');
    expect(snapshot.data).toMatchObject({ seq: 6500, trigger: 'snapshot' });
    c.close();
  });

  it('a cursor past the hole recovers as before', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'subscribe', symbol: 'AAPL', since: { seq: 6100, epoch } });
    const ack = await c.next((m) => m.type === 'subscribed');
    expect(ack.recovered).toBe(true);
    expect(ack.missing).toBeUndefined();
    await c.next((m) => m.type === 'decision_update' && m.data.seq === 6500);
    expect(c.messages.filter((m) => m.type === 'decision_update').map((m) => m.data.seq)).toEqual(Array.from({ length: 400 }, (_, i) => 6101 + i));
    c.close();
  });

  it('HTTP history marks the hole its items jump over; a page before it does not', async () => {
    const across = (await (await fetch(`${ctx.http}/api/v1/signals/AAPL?since_seq=4998&limit=3`)).json()) as any;
    expect(across.items.map((i: any) => i.data.seq)).toEqual([4999, 5000, 6001]);
    expect(across.missing).toEqual([GONE]);
    const before = (await (await fetch(`${ctx.http}/api/v1/signals/AAPL?since_seq=4000&limit=10`)).json()) as any;
    expect(before.next_seq).toBe(4010);
    expect(before.missing).toBeUndefined();
  });

  it('WebSocket history marks it too', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'history', symbol: 'AAPL', since_seq: 4999, limit: 2, id: 'h' });
    const page = await c.next((m) => m.type === 'history');
    expect(page.items.map((i: any) => i.data.seq)).toEqual([5000, 6001]);
    expect(page.missing).toEqual([GONE]);
    expect(ServerMessage.safeParse(page).success).toBe(true);
    c.close();
  });
});
