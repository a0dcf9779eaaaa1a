// Stale data: while disconnected, after the feed ended or with the market closed, rows dim and show their age.
import chalk from 'chalk';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ESC, harness, price, signal, status } from '../helpers/dashboard.js';

beforeAll(() => {
  chalk.level = 1;
});
let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const DIM = `${ESC}[2m`;

/** AAPL priced two minutes ago, MSFT 45 seconds ago. */
async function aged() {
  const h = harness({ size: { columns: 100, rows: 24 } });
  cleanup = h.app.unmount;
  h.sendAt(120_000, price('AAPL', 200, 1));
  h.sendAt(45_000, price('MSFT', 400, 1));
  await expect.poll(() => h.text()).toMatch(/MSFT\s+400\.00/);
  return h;
}

const rowLine = (frame: string, symbol: string) =>
  frame.split('\n').find((l) => l.replace(/\u001B\[[0-9;]*m/g, '').match(new RegExp(`^.${symbol}\\s`)))!;

describe('stale marking', () => {
  it('live rows are not dimmed and have no AGE column', async () => {
    const h = await aged();
    expect(await h.text()).not.toMatch(/\bAGE\b/);
    expect(rowLine(await h.frame(), 'MSFT')).not.toContain(DIM);
  });

  it('while reconnecting: rows dim with their age, and the outage is one line that counts its attempts', async () => {
    const h = await aged();
    for (let attempt = 1; attempt <= 4; attempt++) {
      h.event({ kind: 'connection', state: { status: 'reconnecting', inMs: 1000 * 2 ** attempt, attempt, reason: 'code 1006' } });
      h.event({ kind: 'connection', state: { status: 'connecting' } });
    }
    h.event({ kind: 'connection', state: { status: 'reconnecting', inMs: 15_000, attempt: 5, reason: 'code 1006' } });
    const f = await h.text();
    expect(f).toMatch(/^SYMBOL.*\bAGE\b/m);
    expect(f).toMatch(/^›AAPL .* 2m\b/m);
    expect(f).toMatch(/^ MSFT .* 45s\b/m);
    expect(f).toMatch(/● reconnecting in 15s \(4 failed\)/);
    expect(f.match(/connection lost/g)).toHaveLength(1);
    expect(f).toMatch(/connection lost \(code 1006\); 4 attempts failed; reconnecting in 15s/);
    expect(f).toMatch(/stale: disconnected/);
    expect(rowLine(await h.frame(), 'MSFT')).toContain(DIM);

    h.event({ kind: 'connection', state: { status: 'open', clientId: 'c2' } });
    const back = await h.text();
    expect(back).not.toMatch(/\bAGE\b/);
    expect(back).toMatch(/reconnected to ws:\/\/test/);
    // The next outage starts a line of its own.
    h.event({ kind: 'connection', state: { status: 'reconnecting', inMs: 500, attempt: 1, reason: 'code 1001' } });
    expect((await h.text()).match(/connection lost/g)).toHaveLength(2);
  });

  it('when the feed has ended, and when the market is closed, the header says so and the rows dim', async () => {
    const h = await aged();
    h.send(status({ feed_state: 'ended' }));
    await expect.poll(() => h.text()).toMatch(/· feed ended ·/);
    expect(await h.text()).toMatch(/stale: feed ended/);
    expect(rowLine(await h.frame(), 'AAPL')).toContain(DIM);
    h.send(status({ feed_state: 'running', market_state: 'closed' }));
    await expect.poll(() => h.text()).toMatch(/● connected · market closed ·/);
    expect(await h.text()).toMatch(/^ MSFT .* 45s\b/m);
    h.send(status({ market_state: 'open' }));
    await expect.poll(() => h.text()).toMatch(/● connected · market open ·/);
    expect(await h.text()).not.toMatch(/\bAGE\b/);
  });

  it('a change that rounds to zero is 0.00, neither red nor signed', async () => {
    const h = harness({ symbols: ['AAPL', 'MSFT'] });
    cleanup = h.app.unmount;
    h.send(price('AAPL', 200, -0.001), price('MSFT', 400, -0.006), signal('AAPL', 'HOLD'));
    await expect.poll(() => h.text()).toMatch(/MSFT\s+400\.00\s+-0\.01/);
    const aapl = rowLine(await h.frame(), 'AAPL');
    expect(aapl).toMatch(/200\.00 {4}0\.00 /);
    expect(aapl).not.toContain('-0.00');
    expect(aapl).not.toContain(`${ESC}[31m   0.00`);
    expect(rowLine(await h.frame(), 'MSFT')).toContain(`${ESC}[31m  -0.01`);
  });
});
