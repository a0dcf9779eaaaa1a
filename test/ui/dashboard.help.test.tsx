// The help overlay (?): every key and a legend for CONF, STRENGTH, TRIGGER, the bars and the marks.
import { afterEach, describe, expect, it } from 'vitest';
import { ESC, harness } from '../helpers/dashboard.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('help overlay', () => {
  it('? shows the keys and the legend; ? or Esc closes it', async () => {
    const h = harness({ size: { columns: 100, rows: 40 } });
    cleanup = h.app.unmount;
    await h.keys('?');
    // A description wrapped onto the next lines is one text here.
    const f = (await h.text()).replace(/\n {12}/g, ' ');
    for (const key of ['↑/↓', 'Enter', 's / S', '/', 'a', '+ / -', '?', 'q, Ctrl-C']) {
      expect(f).toMatch(new RegExp(`^${key.replace(/[?+/]/g, '\\$&')}\\s{2,}\\S`, 'm'));
    }
    expect(f).toMatch(/^CONF\s+the consensus's confidence, 0 to 1: the mean of the agreeing agents' confidences/m);
    expect(f).toMatch(/^STRENGTH\s+.*STRONG ≥ 0\.8, MODERATE ≥ 0\.6, else WEAK/m);
    expect(f).toMatch(/^TRIGGER\s+what started the analysis: price_move/m);
    expect(f).toMatch(/^█░ bars\s+an agent's confidence, ten cells for 1\.00/m);
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
    await h.keys(`${ESC}[6~`, `${ESC}[6~`, `${ESC}[6~`);
    const bottom = await h.text();
    expect(bottom).toMatch(/^marks\s+› the selected row/m);
    expect(bottom).not.toMatch(/^keys$/m);
    for (const f of [top, bottom]) {
      expect(f.split('\n').length).toBeLessThanOrEqual(14);
      for (const line of f.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    }
  });
});
