// The client's cursor book: what a reconnect recovers from, which publications are repeats, and why a recovery failed.
import { describe, expect, it } from 'vitest';
import { Cursors, describeNotRecovered } from '../../src/client/cursors.js';
import type { DecisionUpdate } from '../../src/protocol/messages.js';

const E = 'epoch-1';
const T = '2026-01-05T12:00:00.000Z';
const decision = (symbol: string, seq: number, epoch = E, trigger: 'price_move' | 'snapshot' = 'price_move'): DecisionUpdate => ({
  type: 'decision_update',
  data: { symbol, decision: { action: 'NO_SIGNAL', reason: 'under the gate', agent_summary: {} }, timestamp: T, trigger, seq, epoch },
});
const subscribed = (symbol: string, seq: number, epoch = E, recovered?: boolean) =>
  ({ type: 'subscribed', symbol, status: 'subscribed', timestamp: T, seq, epoch, ...(recovered !== undefined ? { recovered } : {}) }) as const;

describe('Cursors', () => {
  it('moves with each publication and gives one `since` cursor per symbol that has one', () => {
    const c = new Cursors();
    expect(c.since(['AAPL'])).toBeUndefined();
    expect(c.accept(decision('AAPL', 1))).toBe(true);
    expect(c.accept(decision('AAPL', 2))).toBe(true);
    expect(c.since(['AAPL', 'MSFT'])).toEqual({ AAPL: { seq: 2, epoch: E } });
  });

  it('drops a publication of the same log at or before the cursor, but never a snapshot', () => {
    const c = new Cursors();
    c.accept(decision('AAPL', 5));
    expect(c.accept(decision('AAPL', 5))).toBe(false);
    expect(c.accept(decision('AAPL', 3))).toBe(false);
    expect(c.accept(decision('AAPL', 5, E, 'snapshot'))).toBe(true);
    expect(c.get('AAPL')).toEqual({ seq: 5, epoch: E });
    // Another log numbers from 1 again: not a repeat.
    expect(c.accept(decision('AAPL', 1, 'epoch-2'))).toBe(true);
    expect(c.get('AAPL')).toEqual({ seq: 1, epoch: 'epoch-2' });
  });

  it("the first `subscribed` of a connection sets the cursor to the server's head; a repeated one does not", () => {
    const c = new Cursors();
    // Nothing published yet: seq 0 of this log, so a reconnect recovers from the very first publication.
    c.acknowledged(subscribed('KO', 0));
    expect(c.get('KO')).toEqual({ seq: 0, epoch: E });
    c.accept(decision('KO', 1));
    // The head may be a publication still on its way: taking it from a repeated acknowledgement would drop it.
    c.acknowledged(subscribed('KO', 2));
    expect(c.get('KO')).toEqual({ seq: 1, epoch: E });
    expect(c.accept(decision('KO', 2))).toBe(true);
    c.reconnected();
    c.acknowledged(subscribed('KO', 2, E, true));
    expect(c.get('KO')).toEqual({ seq: 2, epoch: E });
  });

  it('says why a recovery failed and continues from the server head', () => {
    const cases = [
      { had: { seq: 7, epoch: E }, ack: subscribed('AAPL', 3, 'epoch-2', false), reason: 'another_log' },
      { had: { seq: 9, epoch: E }, ack: subscribed('AAPL', 4, E, false), reason: 'ahead_of_log' },
      { had: { seq: 2, epoch: E }, ack: subscribed('AAPL', 50, E, false), reason: 'expired' },
    ] as const;
    for (const { had, ack, reason } of cases) {
      const c = new Cursors();
      c.accept(decision('AAPL', had.seq, had.epoch));
      c.reconnected();
      const lost = c.acknowledged(ack);
      expect(lost).toEqual({ symbol: 'AAPL', reason, had, now: { seq: ack.seq, epoch: ack.epoch } });
      expect(c.get('AAPL')).toEqual({ seq: ack.seq, epoch: ack.epoch });
      expect(describeNotRecovered(lost!)).toMatch(
        new RegExp(`^AAPL: publications missed while disconnected could not be recovered \\(.+\\); continuing from #${ack.seq}$`),
      );
    }
  });

  it('names the ranges a damaged log lost after the cursor', () => {
    const c = new Cursors();
    c.accept(decision('AAPL', 5500));
    c.reconnected();
    const missing = [{ from: 5501, to: 6000 }];
    const lost = c.acknowledged({ ...subscribed('AAPL', 6400, E, false), missing });
    expect(lost).toEqual({ symbol: 'AAPL', reason: 'lost', had: { seq: 5500, epoch: E }, now: { seq: 6400, epoch: E }, missing });
    expect(describeNotRecovered(lost!)).toMatch(/lost some of them/);
  });

  it('forgets a symbol once it is unsubscribed, even after publications that were on their way', () => {
    const c = new Cursors();
    c.accept(decision('AAPL', 4));
    c.forget('AAPL');
    c.accept(decision('AAPL', 5));
    c.acknowledged({ type: 'unsubscribed', symbol: 'AAPL', status: 'unsubscribed', timestamp: T });
    expect(c.get('AAPL')).toBeUndefined();
    expect(c.all()).toEqual({});
  });
});
