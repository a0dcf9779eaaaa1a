// The dashboard's ranked view: the reducer takes the server's `rank`, the table shows each watched symbol's rank, `r` lists the top and bottom, Enter opens one.
import { afterEach, describe, expect, it } from 'vitest';
import type { RankMessage } from '../../src/protocol/messages.js';
import { rankList, RANK_TOP } from '../../src/ui/model.js';
import { initialState, reduce } from '../../src/ui/state.js';
import { ESC, harness, UNIVERSE_WELCOME } from '../helpers/dashboard.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** A day's ranking of 30 members as the server sends it for the top and bottom 10 and `watched`: XA01 first, XA30 last. */
function ranking(watched: Record<string, number>, barDate = '2025-07-07'): RankMessage {
  const symbols = Array.from({ length: 30 }, (_, i) => `XA${String(i + 1).padStart(2, '0')}`);
  for (const [symbol, rank] of Object.entries(watched)) symbols[rank - 1] = symbol;
  const rows = symbols
    .map((symbol, i) => ({
      rank: i + 1,
      symbol,
      action: i < 10 ? ('BUY' as const) : i < 20 ? ('HOLD' as const) : ('SELL' as const),
      confidence: 0.5,
      agreement: Math.round((1 - (2 * i) / 29) * 1e4) / 1e4,
      consensus_percentile: Math.round((1000 * (29 - i)) / 29) / 10,
      agents: {},
      price: 100,
      bar_date: barDate,
    }))
    .filter((r) => r.rank <= RANK_TOP || r.rank > 30 - RANK_TOP || r.symbol in watched);
  return {
    type: 'rank',
    data: {
      as_of: `${barDate}T20:00:00.000Z`,
      bar_date: barDate,
      requested: null,
      universe: { name: 'sp500', members: 31, ranked: 30, without_prices: [], benchmark: 'SPY' },
      regime: null,
      evidence: { consensus: null, agents: {} },
      rows,
      unranked: [],
    },
  };
}

describe('the ranking in the reducer', () => {
  it('keeps the top and bottom for the ranked view, selects the first, and moves the selection with wrap-around', () => {
    let s = reduce(initialState('ws://test', ['AAPL', 'MSFT']), { kind: 'message', message: ranking({ MSFT: 2, AAPL: 15 }) });
    expect(s.ranking).toMatchObject({ universe: 'sp500', barDate: '2025-07-07', ranked: 30 });
    const list = rankList(s.ranking);
    expect(list.map((r) => r.rank)).toEqual([...Array.from({ length: 10 }, (_, i) => i + 1), ...Array.from({ length: 10 }, (_, i) => i + 21)]);
    expect(s.rankSelected).toBe('XA01');
    s = reduce(s, { kind: 'rankSelect', delta: 1 });
    expect(s.rankSelected).toBe('MSFT');
    s = reduce(s, { kind: 'rankSelect', delta: -2 });
    expect(s.rankSelected).toBe('XA30');
    // A newer ranking keeps the selection on its symbol while it is listed, else goes back to the first.
    expect(reduce(s, { kind: 'message', message: ranking({ MSFT: 2, AAPL: 15 }, '2025-07-08') }).rankSelected).toBe('XA30');
    expect(reduce(s, { kind: 'message', message: ranking({ ZZZ: 30 }) }).rankSelected).toBe('XA01');
  });
});

describe('Dashboard: ranks', () => {
  it('asks for the ranking once the server names its universe, with the watched symbols', async () => {
    const h = harness({ size: { columns: 100, rows: 30 } });
    cleanup = h.app.unmount;
    await h.frame();
    expect(h.actions.rank).not.toHaveBeenCalled();
    h.send(UNIVERSE_WELCOME);
    await expect.poll(() => h.actions.rank.mock.calls.length).toBeGreaterThan(0);
    expect(h.actions.rank).toHaveBeenCalledWith(['AAPL', 'MSFT']);
  });

  it("shows each watched symbol's RANK in the table, and `r` the top and bottom with the percentile, watched ones marked", async () => {
    const h = harness({ size: { columns: 100, rows: 40 } });
    cleanup = h.app.unmount;
    h.send(UNIVERSE_WELCOME, ranking({ MSFT: 2, AAPL: 15 }));
    const table = await h.text();
    expect(table).toMatch(/RANK/);
    expect(table).toMatch(/AAPL.*15\/30/);
    expect(table).toMatch(/MSFT.*2\/30/);
    await h.keys('r');
    const view = await h.text();
    expect(view).toMatch(/universe sp500 · 2025-07-07 close · 30 ranked/);
    expect(view).toMatch(/›\s+1 XA01\s+BUY\s+0\.50\s+\+1\.00\s+100\.0/);
    expect(view).toMatch(/\s2 MSFT\s+BUY .*●/);
    expect(view).toMatch(/… 10 more/);
    expect(view).toMatch(/30 XA30\s+SELL\s+0\.50\s+-1\.00\s+0\.0/);
    // AAPL, 15th, is in the table's RANK column, not among the top and bottom.
    expect(view).not.toMatch(/AAPL/);
    await h.keys(ESC);
    expect(await h.text()).toMatch(/AAPL.*15\/30/);
  });

  it('Enter on a ranked symbol not watched subscribes to it (adds it) and opens its detail; Esc back to the table', async () => {
    const h = harness({ size: { columns: 100, rows: 40 } });
    cleanup = h.app.unmount;
    h.send(UNIVERSE_WELCOME, ranking({ MSFT: 2, AAPL: 15 }));
    await h.frame();
    await h.keys('r', `${ESC}[B`, `${ESC}[B`);
    expect(await h.text()).toMatch(/›\s+3 XA03/);
    await h.keys('\r');
    expect(h.actions.add).toHaveBeenCalledWith('XA03');
    expect(h.actions.history).toHaveBeenCalledWith('XA03', 0);
    expect(h.onWatchlist).toHaveBeenLastCalledWith(['AAPL', 'MSFT', 'XA03']);
    expect(await h.text()).toMatch(/XA03/);
    await h.keys(ESC);
    expect(await h.text()).toMatch(/›XA03/);
  });

  it('Enter on a watched symbol opens its detail without adding it again', async () => {
    const h = harness({ size: { columns: 100, rows: 40 } });
    cleanup = h.app.unmount;
    h.send(UNIVERSE_WELCOME, ranking({ MSFT: 2, AAPL: 15 }));
    await h.frame();
    await h.keys('r', `${ESC}[B`, '\r');
    expect(h.actions.add).not.toHaveBeenCalled();
    expect(h.actions.history).toHaveBeenCalledWith('MSFT', 0);
  });
});
