// The dashboard at the terminal sizes people use: the header whole and first, nothing wrapped, the frame within the terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { AGENTS, harness, plain, price, signal, status, update } from '../helpers/dashboard.js';

const SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA', 'JPM', 'XOM', 'SPY'];
const REASONS = ['first reason', 'second reason', 'third reason'];

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** Ten symbols with prices, AAPL analysed with three reasons per agent, a market state, and a few log lines. */
async function busy(columns: number, rows: number) {
  const h = harness({ symbols: SYMBOLS, size: { columns, rows } });
  cleanup = h.app.unmount;
  h.send(status({ feed_state: 'running', market_state: 'open' }));
  SYMBOLS.forEach((s, i) => h.send(price(s, 100 + i, i - 4)));
  h.send(update('AAPL', 'Orchestrator', undefined, 'ANALYZING'));
  for (const a of AGENTS) h.send(update('AAPL', a.name, a.id, 'BUY', 0.8, REASONS));
  h.send(signal('AAPL', 'BUY', { reasons: REASONS, analysisId: 'a1' }), signal('MSFT', 'SELL'), signal('NVDA', 'HOLD'));
  await expect.poll(() => h.text()).toMatch(/NVDA.*HOLD/);
  return h;
}

function checkFits(frame: string, columns: number, rows: number) {
  const lines = frame.split('\n');
  // One line is left for the cursor: a frame as tall as the terminal would scroll it.
  expect(lines.length).toBeLessThanOrEqual(rows - 1);
  for (const line of lines) expect(line.length).toBeLessThanOrEqual(columns);
  expect(lines[0]).toMatch(/● connected · market open · (2025-)?07-08 14:00/);
  // The latest alert under the header, then the column titles on one line.
  expect(lines[1]).toBe('▼ 14:00:00 MSFT turned SELL 83% STRONG at 210.50');
  expect(lines[2]).toMatch(/^SYMBOL/);
}

describe('dashboard sizes', () => {
  it('60x15: header, alert, table, votes and the footer fit; narrow columns are dropped, not wrapped', async () => {
    const h = await busy(60, 15);
    const f = await h.text();
    checkFits(f, 60, 15);
    const lines = f.split('\n');
    expect(lines[2]).toMatch(/^SYMBOL\s+PRICE\s+CHG%\s+TREND\s+ACTION\s+CONF\s+STRENGTH$/);
    expect(f).not.toMatch(/TRIGGER/);
    expect(f).toMatch(/›AAPL\s+100\.00\s+-4\.00/);
    expect(f).toMatch(/^TechnicalAn… BUY\s+0\.80 first reason$/m);
    expect(lines[lines.length - 1]).toMatch(/^↑\/↓ select/);
  });

  it('80x24: every row, each vote, the trigger column and the events', async () => {
    const h = await busy(80, 24);
    const f = await h.text();
    checkFits(f, 80, 24);
    for (const s of SYMBOLS) expect(f).toMatch(new RegExp(`^.${s}\\s`, 'm'));
    expect(f).toMatch(/^SYMBOL\s+PRICE\s+CHG%\s+TREND\s+ACTION\s+CONF\s+STRENGTH TRIGGER\s*$/m);
    for (const a of AGENTS) expect(f).toMatch(new RegExp(`^${a.name}\\s+BUY\\s+0\\.80 ████████░░ first reason`, 'm'));
    expect(f).toMatch(/^events$/m);
    expect(f).toMatch(/MSFT SELL 83% STRONG \(price_move\)/);
  });

  it('120x40: the extra height shows every reason of every agent, the event log, and the signal time', async () => {
    const h = await busy(120, 40);
    const f = await h.text();
    checkFits(f, 120, 40);
    expect(f.split('\n')[0]).toMatch(/^signals watch · ● connected · market open · 2025-07-08 14:00 UTC · updated \d\d:\d\d:\d\d · ws:\/\/test$/);
    expect(f).toMatch(/TRIGGER \/ AS OF/);
    expect(f).toMatch(/AAPL.*price_move 07-08 14:00/);
    // Three agents with three reasons each: nine reason lines.
    expect(f.match(/(first|second|third) reason/g)).toHaveLength(9);
    expect(f).toMatch(/^events\n.*AAPL BUY 83%.*\n.*MSFT SELL 83%.*\n.*NVDA HOLD 83%/m);
  });

  it('follows a resize from 120x40 to 60x15 and back', async () => {
    const h = await busy(120, 40);
    h.resize(60, 15);
    await expect.poll(async () => (await h.text()).split('\n').length).toBeLessThanOrEqual(14);
    checkFits(await h.text(), 60, 15);
    h.resize(120, 40);
    await expect.poll(() => h.text()).toMatch(/TRIGGER \/ AS OF/);
    checkFits(await h.text(), 120, 40);
  });

  it('the selection stays in view when there are more rows than lines', async () => {
    const h = await busy(60, 15);
    await h.keys(...Array<string>(8).fill('\u001B[B'));
    const f = await h.text();
    expect(f).toMatch(/›XOM/);
    expect(f).not.toMatch(/AAPL\s+100\.00/);
    expect(plain(f).split('\n').length).toBeLessThanOrEqual(14);
  });
});
