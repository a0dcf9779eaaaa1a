// The dashboard at the terminal sizes people use: the header whole and first, nothing wrapped, the frame within the terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { AGENTS, harness, plain, price, signal, status, T, update } from '../helpers/dashboard.js';

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

  it('60x15 with eight symbols and five agents: the rows and the agents that do not fit are counted on screen', async () => {
    const h = harness({ symbols: SYMBOLS.slice(0, 8), size: { columns: 60, rows: 15 } });
    cleanup = h.app.unmount;
    SYMBOLS.slice(0, 8).forEach((s, i) => h.send(price(s, 100 + i, 1)));
    const five = [...AGENTS, { id: 'volatility', name: 'VolatilityRisk' }, { id: 'economic', name: 'EconomicIndicator' }];
    h.send(signal('AAPL', 'HOLD'));
    for (const a of five) h.send(update('AAPL', a.name, a.id, 'HOLD', 0.5, ['a reason']));
    await expect.poll(() => h.text()).toMatch(/AAPL agents.*· \+\d more ·/);
    const f = await h.text();
    const shownRows = SYMBOLS.slice(0, 8).filter((s) => new RegExp(`^.${s}\\s`, 'm').test(f)).length;
    expect(f).toMatch(new RegExp(`^ \\+${8 - shownRows} more \\(${8 - shownRows} below; ↑/↓ scrolls\\)$`, 'm'));
    const shownAgents = five.filter((a) => new RegExp(`^${a.name.slice(0, 11)}`, 'm').test(f)).length;
    expect(f).toMatch(new RegExp(`^AAPL agents {2}\\(signal #\\d+\\) · \\+${5 - shownAgents} more · Enter: detail$`, 'm'));
    expect(shownAgents).toBeLessThan(5);
    // Every row analysed, then down to the last: the count says what is above now.
    for (const sym of SYMBOLS.slice(1, 8)) h.send(signal(sym, 'HOLD'));
    await h.keys(...Array<string>(7).fill('\u001B[B'));
    await expect.poll(() => h.text()).toMatch(/^›JPM/m);
    const last = await h.text();
    const above = SYMBOLS.slice(0, 8).filter((s) => !new RegExp(`^.${s}\\s`, 'm').test(last)).length;
    expect(above).toBeGreaterThan(0);
    expect(last).toMatch(new RegExp(`^ \\+${above} more \\(${above} above; ↑/↓ scrolls\\)$`, 'm'));
  });

  it("120x40 on a replay: the header says so with the replayed day, and the selected symbol's consensus fills the room", async () => {
    const h = await busy(120, 40);
    h.send({
      type: 'feed_status',
      data: { feed: 'replay', source: 'bundled data', feed_state: 'running', market_state: 'open', market_time: T, reason: 'connected' },
    });
    // A log long enough to fill what the rest leaves.
    for (let i = 0; i < 30; i++) h.send(signal('MSFT', 'SELL'));
    await expect.poll(() => h.text()).toMatch(/replay of bundled data/);
    const f = await h.text();
    expect(f.split('\n')[0]).toMatch(/^signals watch · ● connected · replay of bundled data · 2025-07-08 14:00 UTC · market open ·/);
    // The consensus pane: the price, target and stop, then its reasons.
    expect(f).toMatch(/^AAPL {2}price 100\.00 {3}target/m);
    // The frame leaves one line free under it; with the one gap under the table, two blank rows at most.
    const lines = f.split('\n');
    const blank = lines.filter((l) => l.trim() === '').length + (40 - lines.length);
    expect(blank).toBeLessThanOrEqual(2);
  });
});
