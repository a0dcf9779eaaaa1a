// Phase f: many clients subscribe to every symbol and never read, while analyses stream to their rooms; past the cap each must go.
import type { RawClient } from './fuzz-client.js';
import { parallel, type Phase, type PhaseContext } from './fuzz-phase.js';
import { checkDropped, mustDropAbove } from './fuzz-unread.js';
import { clientFrame, upgradeRequest } from './fuzz-wire.js';

/** The analyze limit's burst: each driver connection asks for this many analyses, of different symbols. */
const PER_DRIVER = 5;

/** One driver: asks for analyses of `symbols` and waits for each to finish (every subscriber of those rooms gets them). */
async function drive(ctx: PhaseContext, symbols: readonly string[]): Promise<void> {
  const driver = await ctx.open();
  if (!driver) return;
  if ((await driver.upgrade()) === 101) {
    driver.write(Buffer.concat(symbols.map((symbol) => clientFrame(JSON.stringify({ type: 'analyze', symbol })))));
    const finished = () =>
      driver.stream.messages.filter(
        (m) => (m.type === 'signal_update' || m.type === 'decision_update') && (m.data as { trigger?: string }).trigger !== 'snapshot',
      ).length >= symbols.length;
    await driver.until(() => finished() || driver.dropped(), 5_000);
  }
  driver.destroy();
  const errors = driver.errors();
  if (errors.length > 0) ctx.tally.wrong(`analyze ${symbols.join(', ')}`, 'no error', errors.join(', '));
}

export const stalledReaders: Phase = {
  id: 'f',
  title: 'stalled readers',
  memoryReturns: true,
  async run(ctx) {
    const symbols = ctx.symbols.slice(0, 100);
    const subscribe = Buffer.concat([upgradeRequest('/ws/signals'), clientFrame(JSON.stringify({ type: 'subscribe', symbols }))]);
    const twin = await ctx.open({ skim: true });
    const stalled: RawClient[] = [];
    for (let i = 0; i < ctx.sizes.stalledReaders && !ctx.over(); i++) {
      const c = await ctx.open({ paused: true, skim: true });
      if (c) stalled.push(c);
    }
    if (!twin) return;
    for (const c of [twin, ...stalled]) c.write(subscribe);
    ctx.frames += stalled.length + 1;
    // Rounds of analyses of every symbol until each reader has been offered well past what it can hold.
    // Each symbol is asked for twice a round: one analysis runs and the other follows it (a third would coalesce).
    const groups = Array.from({ length: Math.ceil(symbols.length / PER_DRIVER) }, (_, i) => symbols.slice(i * PER_DRIVER, (i + 1) * PER_DRIVER));
    const drivers = [...groups, ...groups];
    while (twin.stream.bytes < mustDropAbove() * 1.2 && !ctx.over()) {
      await parallel(drivers.length, drivers.length, ctx.over, (i) => drive(ctx, drivers[i]!));
      ctx.frames += 2 * symbols.length;
    }
    // The slow-consumer check runs on the server's next send; a closed client gets a grace period for its close frame.
    await new Promise((r) => setTimeout(r, 1_500));
    await checkDropped(ctx, 'stalled readers dropped past the cap', twin.stream.bytes, stalled);
    twin.destroy();
  },
};
