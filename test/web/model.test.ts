// The web view's model without a DOM: rows from messages, quotes by minute across a restarted replay, the seqs held and their gaps, staleness and age.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.js';
import {
  coverage,
  emptyModel,
  isLive,
  moveSelection,
  observe,
  publish,
  quoteAge,
  receive,
  STALE_MS,
  symbolData,
  visibleRows,
  type Model,
} from '../../src/web/model.js';
import { signal } from '../helpers/web.js';

const T0 = Date.parse('2025-07-08T14:00:00Z');

const feed = (state: 'running' | 'ended', market: 'open' | 'closed', at: number): ServerMessage => ({
  type: 'feed_status',
  data: { feed: 'replay', feed_state: state, market_state: market, market_time: new Date(at).toISOString(), reason: 'test' },
});

function watching(symbols: string[]): Model {
  const model = emptyModel();
  receive(
    model,
    { type: 'status_update', data: { running: true, active_analyses: 0, active_agents: 0, websocket_connections: 1, watched_symbols: symbols } },
    0,
  );
  model.link = { status: 'open' };
  return model;
}

describe('rows and selection', () => {
  it('takes the watchlist from the first status, selects the first row, and moves within the filtered rows', () => {
    const model = watching(['AAPL', 'MSFT', 'MS', 'NVDA']);
    expect(model.rows.map((r) => r.symbol)).toEqual(['AAPL', 'MSFT', 'MS', 'NVDA']);
    expect(model.selected).toBe('AAPL');
    expect(moveSelection(model, -1)).toBe(false);
    expect(moveSelection(model, 2)).toBe(true);
    expect(model.selected).toBe('MS');
    model.filter = 'ms';
    expect(visibleRows(model).map((r) => r.symbol)).toEqual(['MSFT', 'MS']);
    expect(moveSelection(model, -5)).toBe(true);
    expect(model.selected).toBe('MSFT');
  });

  it('a server that watches nothing offers its first symbols', () => {
    const model = emptyModel();
    receive(
      model,
      {
        type: 'connected',
        client_id: 'c',
        timestamp: '',
        message: '',
        server_version: '0',
        protocol_version: 1,
        agents: [],
        symbols: ['A', 'B', 'C'],
      },
      0,
    );
    receive(
      model,
      { type: 'status_update', data: { running: true, active_analyses: 0, active_agents: 0, websocket_connections: 1, watched_symbols: [] } },
      0,
    );
    expect(model.rows.map((r) => r.symbol)).toEqual(['A', 'B', 'C']);
  });

  it("shows each symbol's newest publication by seq, whatever order they come in", () => {
    const model = watching(['AAPL']);
    publish(model, signal('AAPL', 5, 'BUY', T0));
    publish(model, signal('AAPL', 3, 'SELL', T0 - 60_000));
    expect(model.rows[0]!.latest?.data.seq).toBe(5);
  });
});

describe('the seqs held', () => {
  it('names the ranges missing between the first and the last', () => {
    const model = watching(['AAPL']);
    for (const seq of [3, 4, 5, 8, 10]) publish(model, signal('AAPL', seq, 'HOLD', T0 + seq * 60_000));
    expect(coverage(symbolData(model, 'AAPL'))).toEqual({
      first: 3,
      last: 10,
      gaps: [
        { from: 6, to: 7 },
        { from: 9, to: 9 },
      ],
    });
    publish(model, signal('AAPL', 9, 'HOLD', T0));
    expect(coverage(symbolData(model, 'AAPL'))!.gaps).toEqual([{ from: 6, to: 7 }]);
  });

  it('starts again from a publication of another log: its seqs number other publications', () => {
    const model = watching(['AAPL']);
    for (const seq of [1, 2, 3]) publish(model, signal('AAPL', seq, 'HOLD', T0));
    publish(model, signal('AAPL', 1, 'BUY', T0, 100, 'e2'));
    expect(coverage(symbolData(model, 'AAPL'))).toEqual({ first: 1, last: 1, gaps: [] });
    expect(symbolData(model, 'AAPL').epoch).toBe('e2');
    // The row's call is the new log's, though its seq is lower.
    expect(model.rows[0]!.latest?.data.seq).toBe(1);
  });

  it('a subscription acknowledged in another log drops what the page holds and reads the history again from its head', () => {
    const model = watching(['AAPL']);
    receive(model, { type: 'subscribed', status: 'subscribed', timestamp: '', symbol: 'AAPL', seq: 3, epoch: 'e1' }, 0);
    for (const seq of [1, 2, 3]) publish(model, signal('AAPL', seq, 'BUY', T0));
    const data = symbolData(model, 'AAPL');
    data.historyLoaded = true;
    // The same log again (a reconnect that recovered): nothing changes.
    receive(model, { type: 'subscribed', status: 'subscribed', timestamp: '', symbol: 'AAPL', seq: 5, epoch: 'e1', recovered: true }, 0);
    expect([data.head, data.historyLoaded, data.publications.size]).toEqual([3, true, 3]);
    receive(model, { type: 'subscribed', status: 'subscribed', timestamp: '', symbol: 'AAPL', seq: 2, epoch: 'e2', recovered: false }, 0);
    expect([data.head, data.historyLoaded, data.publications.size, data.epoch]).toEqual([2, false, 0, 'e2']);
  });

  it('reads the bars again on a new connection: the server may be at another market time', () => {
    const model = watching(['AAPL']);
    symbolData(model, 'AAPL').bars = [{ date: '2025-07-07', open: 1, high: 1, low: 1, close: 1, volume: 1 }];
    receive(
      model,
      { type: 'connected', client_id: 'c', timestamp: '', message: '', server_version: '1', protocol_version: 1, agents: [], symbols: ['AAPL'] },
      0,
    );
    expect(symbolData(model, 'AAPL').bars).toBeUndefined();
  });
});

describe('quotes by minute', () => {
  it('makes a minute of each: open, high, low, close in order', () => {
    const data = symbolData(emptyModel(), 'AAPL');
    for (const [s, price] of [
      [0, 10],
      [20, 12],
      [40, 9],
      [59, 11],
      [60, 11.5],
    ] as const)
      observe(data, T0 + s * 1000, price);
    expect(data.minutes).toEqual([
      { time: T0 / 1000, open: 10, high: 12, low: 9, close: 11 },
      { time: T0 / 1000 + 60, open: 11.5, high: 11.5, low: 11.5, close: 11.5 },
    ]);
  });

  it('a replay that starts again (time going back) starts the minutes again; a few seconds back does not', () => {
    const data = symbolData(emptyModel(), 'AAPL');
    observe(data, T0 + 3 * 3600_000, 10);
    observe(data, T0 + 3 * 3600_000 - 5_000, 11);
    expect(data.minutes).toHaveLength(1);
    observe(data, T0, 12);
    expect(data.minutes).toEqual([{ time: T0 / 1000, open: 12, high: 12, low: 12, close: 12 }]);
  });
});

describe('live, stale and the age of a quote', () => {
  const quote = (model: Model, at: number, now: number) =>
    receive(
      model,
      { type: 'price_update', data: { symbol: 'AAPL', price: 10, volume: 1, timestamp: new Date(at).toISOString(), change_percent: 1.5 } },
      now,
    );

  it('is live only while connected, recent, the feed running and the market open', () => {
    const model = watching(['AAPL']);
    receive(model, feed('running', 'open', T0), 1_000);
    quote(model, T0, 1_000);
    expect(isLive(model, 2_000)).toBe(true);
    expect(quoteAge(model, model.rows[0]!, 2_000)).toBeUndefined();
    expect(model.rows[0]!.changePercent).toBe(1.5);
    expect(isLive(model, 1_000 + STALE_MS)).toBe(false);
    model.link = { status: 'reconnecting', at: 0, reason: 'lost' };
    expect(isLive(model, 2_000)).toBe(false);
  });

  it('ages a quote by the market clock while connected to a closed market, by the wall clock while disconnected', () => {
    const model = watching(['AAPL']);
    quote(model, T0, 1_000);
    receive(model, feed('running', 'closed', T0 + 4 * 3600_000), 2_000);
    expect(quoteAge(model, model.rows[0]!, 3_000)).toBe(4 * 3600_000);
    model.link = { status: 'reconnecting', at: 0, reason: 'lost' };
    expect(quoteAge(model, model.rows[0]!, 31_000)).toBe(30_000);
  });
});
