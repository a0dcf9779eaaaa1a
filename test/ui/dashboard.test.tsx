// The dashboard driven by a scripted sequence of protocol messages, rendered with ink-testing-library.
import chalk from 'chalk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.js';
import { AGENTS, ESC, harness, signal, T, UNIVERSE_WELCOME, update } from '../helpers/dashboard.js';

beforeAll(() => {
  chalk.level = 1;
});
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('Dashboard', () => {
  it('shows spinners while agents work, fills in vote by vote, then the coloured consensus', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    h.send(update('AAPL', 'Orchestrator', undefined, 'ANALYZING'));
    for (const a of AGENTS) h.send(update('AAPL', a.name, a.id, 'PROCESSING'));
    // Polled: on a loaded machine a frame can take longer than one render interval to arrive.
    const working = async () => (await h.frame()).match(/working/g)?.length ?? 0;
    await expect.poll(working).toBe(3);

    h.send(update('AAPL', 'TechnicalAnalyst', 'technical', 'BUY', 0.91, ['uptrend']));
    await expect.poll(() => h.text()).toMatch(/TechnicalAnalyst\s+BUY\s+0\.91 █████████░ uptrend/);
    expect(await working()).toBe(2);
    expect(await h.frame()).toContain(`${ESC}[32mBUY`);

    h.send(update('AAPL', 'Momentum', 'momentum', 'FAILED', 0), update('AAPL', 'NewsSentiment', 'sentiment', 'ABSTAINED', 0, ['no headlines']));
    await expect.poll(working).toBe(0);
    const f = await h.text();
    expect(f).toMatch(/Momentum\s+FAILED/);
    expect(f).toMatch(/NewsSentiment\s+ABSTAINED.*no headlines/);

    h.send(signal('AAPL', 'SELL'));
    await expect.poll(() => h.text()).toMatch(/AAPL.*SELL.*0\.83.*STRONG.*price_move/);
    const coloured = await h.frame();
    expect(coloured).toContain(`${ESC}[31mSELL`);
    expect(coloured).toMatch(/AAPL SELL 83% STRONG \(price_move\)/);
    expect(coloured).toContain('signal #4');
  });

  it('shows prices, change and a sparkline; HOLD in yellow', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    for (const p of [100, 101, 99, 103]) {
      h.send({ type: 'price_update', data: { symbol: 'MSFT', price: p, volume: 10, timestamp: T, change_percent: p - 100 } });
    }
    h.send(signal('MSFT', 'HOLD', { trigger: 'snapshot' }));
    expect(await h.text()).toMatch(/MSFT\s+103\.00\s+\+3\.00 ▃▅▁█/);
    const f = await h.frame();
    expect(f).toContain(`${ESC}[33mHOLD`);
    expect(f).toMatch(/market 2025-07-08 14:00 UTC/);
  });

  it('keys: arrows select, a analyses, + adds, - removes, ? helps, q quits', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    await h.frame();
    h.app.stdin.write(`${ESC}[B`);
    expect(await h.frame()).toMatch(/›MSFT/);
    h.app.stdin.write('a');
    expect(h.actions.analyze).toHaveBeenCalledWith('MSFT');
    h.app.stdin.write('+');
    await h.frame();
    h.app.stdin.write('a');
    await h.frame();
    h.app.stdin.write('m');
    await h.frame();
    h.app.stdin.write('d');
    expect(await h.frame()).toMatch(/add symbol: .*amd/);
    h.app.stdin.write('\r');
    const added = await h.frame();
    expect(h.actions.add).toHaveBeenCalledWith('AMD');
    expect(added).toMatch(/›AMD/);
    // The watchlist is told from an effect after the frame: on a loaded machine it can come a frame later.
    await expect.poll(() => h.onWatchlist.mock.lastCall).toEqual([['AAPL', 'MSFT', 'AMD']]);
    h.app.stdin.write('-');
    expect(await h.text()).not.toMatch(/^\s*›?AMD\s/m);
    expect(h.actions.remove).toHaveBeenCalledWith('AMD');
    await expect.poll(() => h.onWatchlist.mock.lastCall).toEqual([['AAPL', 'MSFT']]);
    expect(h.onWatchlist).toHaveBeenCalledTimes(2);
    h.app.stdin.write('?');
    expect(await h.text()).toMatch(/^a\s+analyse the selected symbol now$/m);
    h.app.stdin.write('?');
    expect(await h.text()).toMatch(/^SYMBOL/m);
    h.app.stdin.write('q');
    await h.frame();
    expect(h.onExit).toHaveBeenCalled();
  });

  it('Esc never quits: it closes a prompt and a view, and a second Esc does nothing; q quits from anywhere but a prompt', async () => {
    const h = harness({ symbols: ['AAPL', 'MSFT', 'QQQ'] });
    cleanup = h.app.unmount;
    await h.frame();
    // The habit: /, type, Esc, Esc.
    await h.keys('/', 'm', ESC, ESC);
    expect(await h.text()).toMatch(/^ AAPL/m);
    expect(await h.text()).toMatch(/^↑\/↓ select/m);
    await h.keys(ESC, ESC);
    await h.keys('\r', ESC, ESC, '?', ESC, ESC);
    await h.keys('+', 'x', ESC, ESC);
    expect(h.onExit).not.toHaveBeenCalled();
    // In a prompt q is a letter: the filter finds QQQ.
    await h.keys('/', 'q');
    expect(await h.text()).toMatch(/filter: q▌ \(1 of 3;/);
    expect(h.onExit).not.toHaveBeenCalled();
    // Enter keeps the filter, Enter opens QQQ's detail, and q quits from there.
    await h.keys('\r', '\r');
    expect(await h.text()).toMatch(/^QQQ {2}no analysis yet/m);
    await h.keys('q');
    expect(h.onExit).toHaveBeenCalledTimes(1);
  });

  it('Ctrl-C quits even from a prompt', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    await h.frame();
    await h.keys('+', 'a', '\u0003');
    expect(h.onExit).toHaveBeenCalledTimes(1);
    expect(h.actions.add).not.toHaveBeenCalled();
  });

  it('takes keys that arrive together (typed fast or pasted) one by one', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    await h.frame();
    h.app.stdin.write('+nflx\r');
    expect(await h.text()).toMatch(/›NFLX/);
    expect(h.actions.add).toHaveBeenCalledWith('NFLX');
    h.app.stdin.write('a-');
    const f = await h.text();
    expect(h.actions.analyze).toHaveBeenCalledWith('NFLX');
    expect(h.actions.remove).toHaveBeenCalledWith('NFLX');
    expect(f).not.toMatch(/^\s*›?NFLX\s/m);
  });

  it('shows the reconnecting state', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    h.event({ kind: 'connection', state: { status: 'reconnecting', inMs: 1800, attempt: 1, reason: 'code 1006' } });
    const f = await h.frame();
    expect(f).toContain('reconnecting in 2s');
    expect(f).toMatch(/connection lost \(code 1006\); reconnecting in 2s/);
  });

  it('respects NO_COLOR: no colour codes at all', async () => {
    const h = harness({ symbols: ['AAPL'], colors: false });
    cleanup = h.app.unmount;
    h.send(signal('AAPL', 'BUY'));
    const f = await h.frame();
    expect(f).toMatch(/AAPL.*BUY/);
    expect(f).not.toMatch(/\u001B\[3\dm/);
  });

  it('a burst of messages is applied in a few frames, not one frame per message', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    await h.frame();
    const before = h.app.frames.length;
    for (let i = 0; i < 2000; i++) {
      h.send({ type: 'price_update', data: { symbol: 'AAPL', price: 100 + (i % 50), volume: i, timestamp: T } });
    }
    const f = await h.frame();
    expect(f).toMatch(/AAPL\s+149\.00/);
    expect(h.app.frames.length - before).toBeLessThan(10);
  });

  it('follows a terminal resize: narrower columns, shorter header and sparkline', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    h.send({ type: 'price_update', data: { symbol: 'AAPL', price: 100, volume: 1, timestamp: T } });
    expect(await h.text()).toMatch(/· market 2025-07-08 14:00 UTC · updated/);
    Object.defineProperty(h.app.stdout, 'columns', { value: 80, configurable: true });
    h.app.stdout.emit('resize');
    const narrow = await h.text();
    expect(narrow).toMatch(/2025-07-08 14:00Z · upd/);
    expect(narrow).not.toMatch(/TRIGGER \/ AS OF/);
    for (const line of narrow.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('keeps every line within the terminal width', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    h.send(signal('AAPL', 'BUY'));
    const f = await h.frame();
    for (const line of f.split('\n')) expect(line.replace(/\u001B\[[0-9;]*m/g, '').length).toBeLessThanOrEqual(100);
  });
});

describe('dashboard header: the feed and the market', () => {
  const feedStatus = (
    feed_state: 'running' | 'ended' | 'reconnecting',
    market_state: 'open' | 'closed',
    reason: string,
    cycle?: number,
  ): ServerMessage => ({
    type: 'feed_status',
    data: { feed: 'alpaca', feed_state, market_state, market_time: T, reason, ...(cycle ? { cycle } : {}) },
  });

  it('shows the market state, and a feed that is down or ended instead of a plain "connected"', async () => {
    const h = harness();
    h.send(feedStatus('running', 'open', 'connected'));
    const open = await h.text();
    expect(open).toMatch(/● connected · market open/);
    expect(open).not.toMatch(/feed /);
    h.send(feedStatus('reconnecting', 'open', "alpaca's stream closed (1006); reconnecting"));
    const down = await h.text();
    expect(down).toMatch(/● connected · market open · feed reconnecting/);
    expect(down).toMatch(/alpaca's stream closed \(1006\); reconnecting/);
    h.send(feedStatus('ended', 'closed', 'the replay reached the end of the data'));
    expect(await h.text()).toMatch(/market closed · feed ended/);
    h.app.unmount();
  });
  it("shows the server's universe from its welcome in the header", async () => {
    const h = harness({ size: { columns: 120, rows: 30 } });
    cleanup = h.app.unmount;
    expect(await h.text()).not.toMatch(/universe/);
    h.send(UNIVERSE_WELCOME);
    await expect.poll(() => h.text()).toMatch(/universe sp500/);
  });
});
