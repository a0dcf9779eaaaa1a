// The help overlay (?): every key and a legend for the columns, P(right), the evidence, the regime, the bars and the marks.
import { afterEach, describe, expect, it } from 'vitest';
import { ESC, harness } from '../helpers/dashboard.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('help overlay', () => {
  it('? shows the keys and the legend; ? or Esc closes it', async () => {
    const h = harness({ size: { columns: 100, rows: 70 } });
    cleanup = h.app.unmount;
    await h.keys('?');
    // A description wrapped onto the next lines is one text here.
    const f = (await h.text()).replace(/\n {12}/g, ' ');
    for (const key of ['↑/↓', 'Enter', 's / S', '/', 'a', '+ / -', '?', 'q, Ctrl-C']) {
      expect(f).toMatch(new RegExp(`^${key.replace(/[?+/]/g, '\\$&')}\\s{2,}\\S`, 'm'));
    }
    expect(f).toMatch(/^ACTION\s+the consensus's call: BUY or SELL when the agents' calls, each weighted by its evidence, agree by 0\.5/m);
    expect(f).toMatch(
      /^CONF\s+P\(right\): the chance, calibrated on the consensus's own record .* right over 21 trading days: a BUY beats SPY, a SELL trails it\. HOLD is no call/m,
    );
    expect(f).toMatch(/^EDGE\s+whether the consensus's record passes the edge test \(one-sided, t ≥ 2 on its monthly IC\): ✓ yes/m);
    expect(f).toMatch(/^STRENGTH\s+.*STRONG ≥ 0\.8, MODERATE ≥ 0\.65, else WEAK/m);
    expect(f).toMatch(/^agents\s+each agent's own rule's call, never rewritten, and P\(right\).*a market-wide one's: the market beats cash/m);
    expect(f).toMatch(/^evidence\s+\(Enter\) .*IC, the monthly rank correlation .* 95% interval; its t .*hit, .*shrunk IC, .*weight, /m);
    expect(f).toMatch(/^own rule\s+\(Enter\) the agent's own past calls on this symbol/m);
    expect(f).toMatch(/^regime\s+\(header; .*trend up\/down.*the VIX .*yield curve .*Sahm rule/m);
    // Nothing of the old formulas: no mean of confidences, no HOLD at a base rate, no cap.
    expect(f).not.toMatch(/mean of the agreeing|base rate|capped|weight × confidence/);
    expect(f).toMatch(/^TRIGGER\s+what started the analysis: price_move/m);
    expect(f).toMatch(/^█░ bars\s+an agent's P\(right\), ten cells for 1\.00/m);
    expect(f).toMatch(/^marks\s+› the selected row · ! turned BUY or SELL/m);
    expect(f).toMatch(/^AGE\s+while the data may be out of date/m);
    expect(f).not.toMatch(/^SYMBOL/m);
    await h.keys('?');
    expect(await h.text()).toMatch(/^SYMBOL/m);
    await h.keys('?', ESC);
    expect(await h.text()).toMatch(/^SYMBOL/m);
    // Esc closed the help; it did not quit.
    expect(h.onExit).not.toHaveBeenCalled();
  });

  it('at 60x15 the help scrolls, and no line is wider than the terminal', async () => {
    const h = harness({ size: { columns: 60, rows: 15 } });
    cleanup = h.app.unmount;
    await h.keys('?');
    const top = await h.text();
    expect(top).toMatch(/^keys$/m);
    expect(top).toMatch(/lines 1-\d+ of \d+ · ↑\/↓ PgUp\/PgDn scroll · Esc or \? closes/);
    await h.keys(...Array.from({ length: 12 }, () => `${ESC}[6~`));
    const bottom = await h.text();
    expect(bottom).toMatch(/^marks\s+› the selected row/m);
    expect(bottom).not.toMatch(/^keys$/m);
    for (const f of [top, bottom]) {
      expect(f.split('\n').length).toBeLessThanOrEqual(14);
      for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    }
  });
});
