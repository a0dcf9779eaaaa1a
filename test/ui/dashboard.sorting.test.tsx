// Sorting (s cycles the key, S reverses) and the filter (/): the rows' order, the selection following its symbol.
import { afterEach, describe, expect, it } from 'vitest';
import { harness, noSignal, price, signal } from '../helpers/dashboard.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

/** The symbols in the table, top to bottom. */
const order = (frame: string) => [...frame.matchAll(/^[ ›!](AAPL|MSFT|NVDA|TSLA)\s/gm)].map((m) => m[1]);

async function fourSymbols() {
  const h = harness({ symbols: ['AAPL', 'MSFT', 'NVDA', 'TSLA'], size: { columns: 100, rows: 30 } });
  cleanup = h.app.unmount;
  h.send(price('AAPL', 200, 0.5), price('MSFT', 400, -3.2), price('NVDA', 150, 1.1), price('TSLA', 300, -0.1));
  h.send(signal('AAPL', 'HOLD', { confidence: 0.7, trigger: 'snapshot' }), signal('MSFT', 'SELL', { confidence: 0.9, trigger: 'snapshot' }));
  h.send(signal('NVDA', 'BUY', { confidence: 0.65, trigger: 'snapshot' }), noSignal('TSLA', 'under the gate'));
  await expect.poll(async () => order(await h.text())).toEqual(['AAPL', 'MSFT', 'NVDA', 'TSLA']);
  return h;
}

describe('sorting and filter', () => {
  it('s cycles change %, action, confidence, symbol and back to the watchlist; S reverses; the header marks the key', async () => {
    const h = await fourSymbols();
    await h.keys('s');
    // The biggest move first, either way.
    await expect.poll(async () => order(await h.text())).toEqual(['MSFT', 'NVDA', 'AAPL', 'TSLA']);
    expect(await h.text()).toMatch(/▼CHG%/);
    expect(await h.text()).toMatch(/sort change ·/);
    await h.keys('s');
    await expect.poll(async () => order(await h.text())).toEqual(['NVDA', 'MSFT', 'AAPL', 'TSLA']);
    expect(await h.text()).toMatch(/ACTION▼/);
    await h.keys('s');
    await expect.poll(async () => order(await h.text())).toEqual(['MSFT', 'AAPL', 'NVDA', 'TSLA']);
    await h.keys('S');
    // Reversed; a row without a confidence stays last.
    await expect.poll(async () => order(await h.text())).toEqual(['NVDA', 'AAPL', 'MSFT', 'TSLA']);
    expect(await h.text()).toMatch(/▲CONF/);
    expect(await h.text()).toMatch(/sort confidence \(reversed\)/);
    await h.keys('s');
    await expect.poll(async () => order(await h.text())).toEqual(['AAPL', 'MSFT', 'NVDA', 'TSLA']);
    expect(await h.text()).toMatch(/SYMBOL▼/);
    await h.keys('s');
    expect(await h.text()).not.toMatch(/[▼▲]/);
  });

  it('the selection follows its symbol through a sort', async () => {
    const h = await fourSymbols();
    await h.keys('\u001B[B', '\u001B[B');
    expect(await h.text()).toMatch(/^›NVDA/m);
    await h.keys('s', 's');
    await expect.poll(async () => order(await h.text())).toEqual(['NVDA', 'MSFT', 'AAPL', 'TSLA']);
    expect(await h.text()).toMatch(/^›NVDA/m);
    await h.keys('\u001B[B');
    expect(await h.text()).toMatch(/^›MSFT/m);
    await h.keys('\r');
    expect(h.actions.history).toHaveBeenCalledWith('MSFT', 0);
  });

  it('/ filters by part of a symbol or by action; Enter keeps the filter, Esc clears it', async () => {
    const h = await fourSymbols();
    await h.keys('/', 's', 'f');
    await expect.poll(async () => order(await h.text())).toEqual(['MSFT']);
    expect(await h.text()).toMatch(/filter: sf▌ \(1 of 4; Enter keeps it, Esc clears it\)/);
    await h.keys('\r');
    expect(await h.text()).toMatch(/filter "sf" 1\/4 ·/);
    expect(await h.text()).toMatch(/^›MSFT/m);
    await h.keys('/', '\u007F', '\u007F', 'b', 'u', 'y', '\r');
    await expect.poll(async () => order(await h.text())).toEqual(['NVDA']);
    await h.keys('/', '\u007F', '\u007F', '\u007F', 'x', 'x');
    expect(await h.text()).toMatch(/nothing matches the filter "xx"/);
    await h.keys('\u001B');
    await expect.poll(async () => order(await h.text())).toEqual(['AAPL', 'MSFT', 'NVDA', 'TSLA']);
  });
});
