// The read budgets: a byte budget that makes a reader in debt wait exactly its debt, slots that bound reads at once, turns handed out in order.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenBucket } from '../../src/server/limits.js';
import { ByteBudget, Slots, Turns } from '../../src/server/read-budget.js';

afterEach(() => vi.useRealTimers());

describe('ByteBudget', () => {
  it('spends its burst at once, then makes a reader wait until the debt is refilled', async () => {
    vi.useFakeTimers();
    const budget = new ByteBudget(1_000);
    let paid = false;
    await budget.spend(1_000);
    const spending = budget.spend(500).then(() => (paid = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(paid).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await spending;
    expect(paid).toBe(true);
  });

  it('readers in debt wait in the order they spent', async () => {
    vi.useFakeTimers();
    const budget = new ByteBudget(100);
    await budget.spend(100);
    const order: string[] = [];
    const a = budget.spend(100).then(() => order.push('a'));
    const b = budget.spend(100).then(() => order.push('b'));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(order).toEqual(['a']);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
  });
});

describe('Slots', () => {
  it('runs at most its size at once, the rest in order as slots free up', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const gates: (() => void)[] = [];
    const tasks = [0, 1, 2, 3].map((i) =>
      slots.run(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        order.push(i);
        running -= 1;
      }),
    );
    while (gates.length < 2) await Promise.resolve();
    expect(gates).toHaveLength(2);
    gates.shift()!();
    gates.shift()!();
    while (gates.length < 2) await new Promise((r) => setImmediate(r));
    gates.shift()!();
    gates.shift()!();
    await Promise.all(tasks);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3]);
  });
});

describe('Turns', () => {
  it("hands a bucket's tokens out in the order asked, as they refill, passing over a waiter that gave up", async () => {
    vi.useFakeTimers();
    const turns = new Turns(new TokenBucket(1, 2));
    const order: string[] = [];
    let bWanted = true;
    const ask = (name: string, wanted = () => true) => turns.take(wanted).then((got) => order.push(`${name}:${got}`));
    const all = [ask('a'), ask('b', () => bWanted), ask('c'), ask('d')];
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(['a:true']);
    bWanted = false;
    await vi.advanceTimersByTimeAsync(499);
    expect(order).toEqual(['a:true']);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(['a:true', 'b:false', 'c:true']);
    await vi.advanceTimersByTimeAsync(500);
    await Promise.all(all);
    expect(order).toEqual(['a:true', 'b:false', 'c:true', 'd:true']);
  });
});
