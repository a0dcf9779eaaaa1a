// The detail view (Enter): the calls with their chance of being right and their evidence, reasons, target and stop, the regime,
// the NO_SIGNAL reason, the server's history.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.js';
import { AGENTS, ESC, evidence, harness, noSignal, price, REGIME, signal, update } from '../helpers/dashboard.js';

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
    expect(f).toMatch(/^ {2}track record on AAPL since 2007-01-31 \(21 days\): 212 calls · right 60\.9%\n {2}vs SPY \+0\.41%$/m);
    // Without the consensus's evidence (the vote formula) a confidence is not called a chance of being right.
    expect(f).not.toMatch(/P\(right\)/);
    expect(f).toMatch(/^TechnicalAnalyst {3}BUY 0\.80 ████████░░\n {2}own rule on AAPL: 224 calls · right 59\.4% · vs SPY -0\.22% · weight 1\.000$/m);
    expect(f).toMatch(/^Momentum {11}BUY 0\.80 ████████░░\n {2}own rule on AAPL: no past calls · weight 0\.000$/m);
    expect(f).not.toMatch(/NewsSentiment.*\n {2}own rule/);
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

  it("shows the consensus's and each agent's chance of being right, their evidence, the own-rule record and the regime", async () => {
    const h = harness({ symbols: ['NVDA'], size: { columns: 80, rows: 80 } });
    cleanup = h.app.unmount;
    const consensus = evidence({
      ic: -0.0179,
      t: -0.97,
      interval: [-0.0541, 0.0184],
      calls: 3965,
      hit_rate: 0.5095,
      prior_ic: 0,
      shrunk_ic: -0.0096,
      weight: undefined,
      label: 'edge: none demonstrated (IC -0.02, t -1.0 over 211 months; t 2 needed)',
    });
    const economic = evidence({
      kind: 'market_timing',
      months: 223,
      since: '2005-10-31',
      ic: 0.0076,
      t: 0.12,
      interval: [-0.1125, 0.1277],
      calls: 149,
      hit_rate: 0.6309,
      prior_ic: 0,
      shrunk_ic: 0.0056,
      weight: 0,
      label: 'edge: none demonstrated (IC 0.01, t 0.1 over 223 months; t 2 needed)',
    });
    const proven = evidence({ t: 2.31, ic: 0.041, edge: true, label: 'edge: IC 0.04, t 2.3 since 2006' });
    const reasons = [
      'BUY: weighted agreement 0.92 (Momentum BUY 0.77); P(beats SPY in 21 days) 0.52',
      `${consensus.label}; consensus on bundled (29 stocks)`,
    ];
    const published = signal('NVDA', 'BUY', {
      confidence: 0.5183,
      evidence: consensus,
      agentEvidence: { technical: evidence(), momentum: proven, sentiment: economic },
      regime: {
        ...REGIME,
        volatility: {
          ...REGIME.volatility!,
          evidence: evidence({ kind: 'market_timing', label: 'edge: none demonstrated (IC -0.17, t -2.6 over 223 months; t 2 needed)' }),
        },
      },
      trackRecord: {
        symbol: 'NVDA',
        since: '2005-10-31',
        consensus: { horizon_days: 21, calls: 160, hit_rate: 0.5563, mean_excess_return: 0.0147 },
        agents: { momentum: { horizon_days: 21, calls: 184, hit_rate: 0.5489, mean_excess_return: 0.0103, weight: 0.019515 } },
      },
    });
    if (published.type !== 'signal_update') throw new Error('a signal');
    published.data.agents_consensus.agent_details.technical!.signal = 'SELL';
    published.data.metadata.reasoning = reasons;
    h.send(published);
    await expect.poll(() => h.text()).toMatch(/NVDA.*BUY/);
    await h.keys('\r');
    const f = await h.text();
    expect(f).toMatch(/^NVDA {2}BUY · P\(right\) 0\.52 · STRONG · price_move/m);
    expect(f).toMatch(/^consensus: chance the BUY is right 0\.52 \(NVDA beats SPY in 21 trading days\)$/m);
    // The consensus's record: the figures; its verdict is in the server's reasons already, and shows once.
    expect(f).toMatch(
      /^ {2}evidence on bundled \(29 stocks\), 211 months 2006-10\.\.2024-04\n {2}IC -0\.018 \[-0\.054, 0\.018\] · t -1\.0 · hit 50\.9% of 3965 calls\n {2}shrunk IC -0\.010 \(prior 0\.000\)\n {2}track record on NVDA since 2005-10-31 \(21 days\): 160 calls · right 55\.6%/m,
    );
    expect(f.match(/edge: none demonstrated \(IC -0\.02, t -1\.0/g)).toHaveLength(1);
    // Each agent: its own call with the chance it is right, its record with the verdict, its own rule's track record.
    expect(f).toMatch(
      /^TechnicalAnalyst {3}SELL P\(right\) 0\.80 ████████░░\n {2}evidence on bundled \(29 stocks\), 211 months 2006-10\.\.2024-04\n {2}IC 0\.019 \[-0\.015, 0\.053\] · t 1\.1 · hit 51\.7% of 4582 calls\n {2}shrunk IC 0\.019 \(prior 0\.020\) · weight 0\.019\n {2}edge: none demonstrated \(IC 0\.02, t 1\.1 over 211 months; t 2 needed\)\n {2}• TechnicalAnalyst says BUY$/m,
    );
    expect(f).toMatch(
      /^Momentum {11}BUY P\(right\) 0\.80[^\n]*\n(?: {2}[^\n]*\n){3} {2}edge: IC 0\.04, t 2\.3 since 2006\n {2}own rule on NVDA: 184 calls · right 54\.9% · vs SPY \+1\.03%$/m,
    );
    expect(f).toMatch(/^ {2}evidence as market timing \(SPY vs cash\), 223 months 2005-10\.\.2024-04$/m);
    expect(f).toMatch(/ · weight 0\.000 \(market-wide\)$/m);
    // The regime at the signal's as-of time, each reading with its record's verdict.
    expect(f).toMatch(
      /^market regime\n {2}trend up: SPY vs its 10-month average \+13\.8%\n {2}volatility calm: VIX 11\.94\n {4}edge: none demonstrated \(IC -0\.17, t -2\.6 over 223 months; t 2 needed\)\n {2}curve inverted: 10y-2y \(pp\) -0\.44\n {2}recession clear: Sahm gap \(pp\) 0\.43$/m,
    );
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
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
