// A symbol turning BUY or SELL: an alert line under the header, a mark on its row, and the bell with --bell.
import { afterEach, describe, expect, it } from 'vitest';
import { harness, signal } from '../helpers/dashboard.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

const BELL = '\u0007';
const bells = (frames: string[]) => frames.filter((f) => f === BELL).length;

describe('alerts', () => {
  it('a turn to BUY or SELL shows an alert line and marks the row until it is selected; the bell rings with --bell', async () => {
    const h = harness({ bell: true });
    cleanup = h.app.unmount;
    // Where things stand on subscribing is not news.
    h.send(signal('MSFT', 'BUY', { trigger: 'snapshot', seq: 3 }));
    await expect.poll(() => h.text()).toMatch(/MSFT.*BUY/);
    expect((await h.text()).split('\n')[1]).toMatch(/^SYMBOL/);
    expect(bells(h.app.stdout.frames)).toBe(0);

    h.send(signal('MSFT', 'SELL', { seq: 4, confidence: 0.77 }));
    await expect.poll(async () => (await h.text()).split('\n')[1]).toBe('▼ 14:00:00 MSFT turned SELL 77% STRONG at 210.50');
    expect(await h.text()).toMatch(/^!MSFT/m);
    expect(bells(h.app.stdout.frames)).toBe(1);

    // The same action again is no turn.
    h.send(signal('MSFT', 'SELL', { seq: 5 }));
    await h.frame();
    expect(bells(h.app.stdout.frames)).toBe(1);
    // HOLD is no alert either; the alert line stays.
    h.send(signal('AAPL', 'HOLD', { seq: 1 }));
    await expect.poll(() => h.text()).toMatch(/AAPL.*HOLD/);
    expect(bells(h.app.stdout.frames)).toBe(1);

    await h.keys('\u001B[B');
    expect(await h.text()).toMatch(/^›MSFT/m);
    await h.keys('\u001B[A');
    expect(await h.text()).toMatch(/^ MSFT/m);
  });

  it('without --bell there is the alert line and no bell', async () => {
    const h = harness();
    cleanup = h.app.unmount;
    h.send(signal('AAPL', 'BUY', { seq: 2 }));
    await expect.poll(async () => (await h.text()).split('\n')[1]).toBe('▲ 14:00:00 AAPL turned BUY 83% STRONG at 210.50');
    expect(bells(h.app.stdout.frames)).toBe(0);
  });
});
