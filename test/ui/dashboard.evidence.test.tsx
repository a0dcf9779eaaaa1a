// The evidence on the main screen: the regime in the header, the consensus's edge in the table, P(right) in the log and pane.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.js';
import { evidence, harness, noSignal, price, REGIME, signal, update } from '../helpers/dashboard.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const withRegime = (m: ServerMessage, regime: typeof REGIME): ServerMessage =>
  m.type === 'decision_update' ? { ...m, data: { ...m.data, regime } } : m;

describe('evidence on the main screen', () => {
  it('the header shows the regime of the latest signal or decision, shorter when the terminal is narrow', async () => {
    const h = harness({ size: { columns: 120, rows: 30 } });
    cleanup = h.app.unmount;
    h.send(signal('AAPL', 'HOLD', { regime: REGIME, evidence: evidence() }));
    await expect.poll(async () => (await h.text()).split('\n')[0]).toMatch(/ · trend up · VIX 12 calm · curve inverted · Sahm clear( · |$)/);
    // A NO_SIGNAL carries the regime too; the latest one received is shown.
    const stressed = {
      ...REGIME,
      volatility: { ...REGIME.volatility!, state: 'stressed', value: 34.6 },
      recession: { ...REGIME.recession!, state: 'triggered' },
    };
    h.send(withRegime(noSignal('MSFT', 'only 2 of 5 agents completed; the quorum is 3'), stressed));
    await expect.poll(async () => (await h.text()).split('\n')[0]).toMatch(/ · trend up · VIX 35 stressed · curve inverted · Sahm triggered( · |$)/);
    h.resize(100, 30);
    await expect.poll(async () => (await h.text()).split('\n')[0]).toMatch(/ · trend up · VIX 35 · curve inverted · Sahm triggered( · |$)/);
    h.resize(80, 24);
    const narrow = (await h.text()).split('\n')[0]!;
    // The connection and the market clock come first; then as much of the regime as fits.
    expect(narrow).toMatch(/^signals watch · ● connected · 2025-07-08 14:00Z · trend up · VIX 35 · /);
    expect(narrow.length).toBeLessThanOrEqual(80);
  });

  it("the table's EDGE column: ✓ when the consensus's record passes the test, - when not; absent without evidence", async () => {
    const h = harness({ symbols: ['AAPL', 'MSFT', 'NVDA'], size: { columns: 80, rows: 24 } });
    cleanup = h.app.unmount;
    for (const s of ['AAPL', 'MSFT', 'NVDA']) h.send(price(s, 100, 1));
    h.send(signal('AAPL', 'HOLD'));
    await expect.poll(() => h.text()).toMatch(/AAPL.*HOLD/);
    expect(await h.text()).not.toMatch(/EDGE/);
    h.send(
      signal('MSFT', 'BUY', { evidence: evidence({ edge: true, label: 'edge: IC 0.04, t 2.3 since 2006' }), confidence: 0.5612 }),
      signal('NVDA', 'SELL', { evidence: evidence(), confidence: 0.531 }),
    );
    await expect.poll(() => h.text()).toMatch(/NVDA.*SELL/);
    const f = await h.text();
    expect(f).toMatch(/^SYMBOL\s+PRICE\s+CHG%\s+TREND\s+ACTION\s+CONF EDGE STRENGTH TRIGGER\s*$/m);
    expect(f).toMatch(/^.MSFT .* BUY\s+0\.56 ✓ {4}STRONG/m);
    expect(f).toMatch(/^.NVDA .* SELL\s+0\.53 - {4}STRONG/m);
    expect(f).toMatch(/^.AAPL .* HOLD\s+0\.83 {6}STRONG/m);
    // With evidence the log and the alert call the confidence what it is.
    expect(f).toMatch(/NVDA turned SELL P\(right\) 0\.53 STRONG at 210\.50/);
    expect(f).toMatch(/\d\d:\d\d:\d\d MSFT BUY P\(right\) 0\.56 STRONG \(price_move\)/);
    for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("the pane under the table starts at the rule's own reasons, not the line that restates the call and its chance", async () => {
    const h = harness({ size: { columns: 80, rows: 24 } });
    cleanup = h.app.unmount;
    h.send(update('AAPL', 'Orchestrator', undefined, 'ANALYZING'));
    h.send(
      update('AAPL', 'TechnicalAnalyst', 'technical', 'BUY', 0.5234, [
        'BUY by its own rule; P(it beats SPY in 21 days) 0.52, from its record',
        'price 97.7% above its 10-month average',
      ]),
    );
    await expect.poll(() => h.text()).toMatch(/^TechnicalAnalyst {3}BUY {8}0\.52 █████░░░░░ price 97\.7% above its 10-month av…$/m);
    expect(await h.text()).not.toMatch(/by its own rule/);
  });
});
