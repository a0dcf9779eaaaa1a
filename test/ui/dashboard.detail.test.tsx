// The detail view (Enter): every agent's reasons and indicators, target and stop, the NO_SIGNAL reason, the server's history.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.js';
import { AGENTS, ESC, harness, noSignal, price, signal, update } from '../helpers/dashboard.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const withIndicators = (m: ServerMessage, indicators: Record<string, number | string>): ServerMessage =>
  m.type === 'agent_update' ? { ...m, data: { ...m.data, indicators } } : m;

describe('detail view', () => {
  it("shows every agent's full reasons and indicators, the target and stop, and asks for the recent history", async () => {
    const h = harness({ size: { columns: 80, rows: 40 } });
    cleanup = h.app.unmount;
    const reasons = ['RSI 71.2 overbought (>70)', 'MACD above its signal line', 'price > SMA20 > SMA50 > SMA200: uptrend'];
    h.send(price('AAPL', 205, 1.5));
    h.send(update('AAPL', 'Orchestrator', undefined, 'ANALYZING'));
    for (const a of AGENTS) h.send(withIndicators(update('AAPL', a.name, a.id, 'BUY', 0.8, reasons), { rsi: 71.23456, trend: 'up' }));
    const published = signal('AAPL', 'BUY', { reasons, analysisId: 'a1', seq: 14 });
    if (published.type !== 'signal_update') throw new Error('a signal');
    const record = (calls: number, hit: number | null, excess: number | null) => ({
      horizon_days: 21,
      calls,
      hit_rate: hit,
      mean_excess_return: excess,
    });
    published.data.track_record = {
      symbol: 'AAPL',
      since: '2007-01-31',
      consensus: record(212, 0.6085, 0.0041),
      agents: { technical: { ...record(224, 0.5938, -0.0022), weight: 1 }, momentum: { ...record(0, null, null), weight: 0 } },
    };
    h.send(published);
    await expect.poll(() => h.text()).toMatch(/signal #14/);
    await h.keys('\r');
    const f = await h.text();
    expect(f).toMatch(/^AAPL {2}BUY · 0\.83 · STRONG · price_move · as of 2025-07-08 14:00 · signal #14$/m);
    expect(f).toMatch(/^price 205\.00 {3}target 220\.00 \(\+7\.32%\) {3}stop 200\.00 \(-2\.44%\)$/m);
    expect(f).toMatch(/^ {2}• 3 of 3 agents agree$/m);
    expect(f).toMatch(
      /^track record since 2007-01-31, each call judged over 21 trading days\n {2}consensus: 212 calls · right 60\.9% · excess \+0\.41%$/m,
    );
    expect(f).toMatch(/^TechnicalAnalyst {3}BUY 0\.80 ████████░░\n {2}track record: 224 calls · right 59\.4% · excess -0\.22% · weight 1$/m);
    expect(f).toMatch(/^Momentum {11}BUY 0\.80 ████████░░\n {2}track record: no past calls · weight 0$/m);
    expect(f).not.toMatch(/NewsSentiment.*\n {2}track record/);
    expect(f.match(/• price > SMA20 > SMA50 > SMA200: uptrend/g)).toHaveLength(3);
    expect(f.match(/^ {2}rsi 71\.23 · trend up$/gm)).toHaveLength(3);
    // Asks for the publications before the one it has.
    expect(h.actions.history).toHaveBeenCalledWith('AAPL', 4);
    expect(f).toMatch(/recent signals\n {2}asking the server…/);

    h.send({
      type: 'history',
      symbol: 'AAPL',
      epoch: 'e',
      items: [
        signal('AAPL', 'SELL', { seq: 12, confidence: 0.71 }),
        noSignal('AAPL', 'under the gate', 13),
        signal('AAPL', 'BUY', { seq: 14 }),
      ] as never,
    });
    await expect.poll(() => h.text()).toMatch(/#14 {2}07-08 14:00 {2}BUY 0\.83 STRONG {2}price_move\n {2}#13 .*NO_SIGNAL.*\n {2}#12 .*SELL 0\.71/);

    await h.keys(ESC);
    await expect.poll(() => h.text()).toMatch(/^SYMBOL/m);
  });

  it('shows why there was no signal, and scrolls when the detail is longer than the screen', async () => {
    const h = harness({ symbols: ['MSFT'], size: { columns: 60, rows: 15 } });
    cleanup = h.app.unmount;
    h.send(noSignal('MSFT', 'consensus weight 0.42 for HOLD is under the 0.6 gate (3/3 agents completed)', 7));
    await expect.poll(() => h.text()).toMatch(/NO_SIGNAL/);
    await h.keys('\r');
    const first = await h.text();
    expect(first).toMatch(/^no signal: consensus weight 0\.42 for HOLD is under the 0\.6\ngate \(3\/3 agents completed\)$/m);
    expect(first).toMatch(/lines 1-11 of \d+ · ↑\/↓ PgUp\/PgDn scroll/);
    await h.keys(`${ESC}[6~`);
    const end = await h.text();
    expect(end).toMatch(/recent signals/);
    expect(end).not.toMatch(/^no signal:/m);
    // Scrolled to the end and back up by one line: the view moves at once, however far PgDn went past the end.
    const at = /lines (\d+)-/.exec(end)![1]!;
    await h.keys(`${ESC}[A`);
    expect(await h.text()).toMatch(new RegExp(`lines ${Number(at) - 1}-`));
    for (const line of end.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });
});
