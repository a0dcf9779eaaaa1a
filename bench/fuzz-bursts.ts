// Phase e: bursts in one TCP write from clients that do not read: 40,000 tiny frames, and 40 duplicate-heavy subscribes.
import type { RawClient } from './fuzz-client.js';
import type { Phase, PhaseContext } from './fuzz-phase.js';
import { ending, summary } from './fuzz-tally.js';
import { checkDropped } from './fuzz-unread.js';
import { clientFrame, upgradeRequest } from './fuzz-wire.js';

const TINY_FRAMES = 40_000;
const SUBSCRIBE_FRAMES = 40;
/** Each subscribe names a few symbols 100 times over (the most a request may list). */
const FEW = 3;
/** Refusals allowed before the close: "more than 50 refusals in 10 s" closes with 1008. */
const MAX_REFUSALS = 51;
/** The documented answer to a flood. */
export const FLOODED = `RATE_LIMITED x1..${MAX_REFUSALS}, then close 1008 "rate limit exceeded"`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The answer to a flood, in the words of FLOODED when it is the documented one. */
export function floodAnswer(c: RawClient): string {
  const limited = c.errors().filter((code) => code === 'RATE_LIMITED').length;
  const close = c.stream.close;
  if (limited >= 1 && limited <= MAX_REFUSALS && close?.code === 1008 && close.reason === 'rate limit exceeded') return FLOODED;
  return `RATE_LIMITED x${limited}, then ${close ? `close ${close.code} "${close.reason}"` : ending(c)}`;
}

/** Welcomed, then 40,000 heartbeats in one write; read only after half a second. */
async function tinyBurst(ctx: PhaseContext, burst: Buffer): Promise<void> {
  const client = await ctx.open();
  if (!client) return;
  if ((await client.upgrade()) !== 101) return ctx.tally.wrong('upgrade to /ws/signals', 'HTTP 101', summary(client));
  client.pause();
  client.write(burst);
  ctx.frames += TINY_FRAMES;
  await sleep(500);
  client.resume();
  await client.until(() => client.dropped(), 10_000);
  client.destroy();
  ctx.tally.client(client);
  ctx.tally.expect(`${TINY_FRAMES.toLocaleString('en-US')} heartbeats in one write`, [FLOODED], floodAnswer(client));
}

/** The symbols whose latest signal is largest: a subscribe is answered with that signal, so each duplicate costs most. */
async function largestSnapshots(ctx: PhaseContext): Promise<string[]> {
  const scout = await ctx.open();
  if (!scout) return [];
  await scout.upgrade();
  scout.write(clientFrame(JSON.stringify({ type: 'subscribe', symbols: ctx.symbols.slice(0, 100) })));
  const snapshots = () => scout.stream.messages.filter((m) => (m.data as { trigger?: string } | undefined)?.trigger === 'snapshot');
  await scout.until(() => snapshots().length >= Math.min(100, ctx.symbols.length) || scout.dropped(), 10_000);
  scout.destroy();
  const sizes = snapshots().map((m) => [(m.data as { symbol: string }).symbol, JSON.stringify(m).length] as const);
  return sizes
    .sort((a, b) => b[1] - a[1])
    .slice(0, FEW)
    .map(([symbol]) => symbol);
}

async function subscribeBursts(ctx: PhaseContext): Promise<void> {
  const few = await largestSnapshots(ctx);
  if (few.length === 0) return ctx.tally.wrong('subscribe to every symbol', 'a snapshot of each', 'none');
  const subscribe = clientFrame(JSON.stringify({ type: 'subscribe', symbols: Array.from({ length: 100 }, (_, i) => few[i % few.length]) }));
  // A heartbeat after the burst marks the end of its answers: echoed, or refused for rate (the burst spent the budget).
  const end = clientFrame(JSON.stringify({ type: 'heartbeat', id: 'end' }));
  const burst = Buffer.concat([upgradeRequest('/ws/signals'), ...Array<Buffer>(SUBSCRIBE_FRAMES).fill(subscribe), end]);
  // The twin reads, so that what the server offers each of the others can be measured.
  const twin = await ctx.open();
  const silent: RawClient[] = [];
  for (let i = 0; i < ctx.sizes.subscribeBursts && !ctx.over(); i++) {
    const c = await ctx.open({ paused: true, skim: true });
    if (c) silent.push(c);
  }
  if (!twin) return;
  for (const c of [twin, ...silent]) c.write(burst);
  ctx.frames += (SUBSCRIBE_FRAMES + 1) * (silent.length + 1);
  const ended = () =>
    twin.stream.messages.some((m) => (m.type === 'heartbeat' && m.id === 'end') || (m.type === 'error' && m.code === 'RATE_LIMITED'));
  await twin.until(() => ended() || twin.dropped(), 20_000);
  const acks = new Set(twin.stream.messages.filter((m) => m.type === 'subscribed').map((m) => m.symbol));
  ctx.tally.client(twin);
  const errors = twin.errors().filter((code) => code !== 'RATE_LIMITED');
  ctx.tally.expect(
    `${SUBSCRIBE_FRAMES} subscribes of ${few.join(', ')} (100 entries) in one write`,
    ['each symbol subscribed, no error'],
    ended() && errors.length === 0 && few.every((s) => acks.has(s))
      ? 'each symbol subscribed, no error'
      : `subscribed to ${[...acks].join(', ') || 'nothing'}; errors ${errors.join(', ') || 'none'}`,
  );
  await checkDropped(ctx, 'duplicate-heavy subscribers dropped past the cap', ended() ? twin.stream.bytes : undefined, silent);
  twin.destroy();
}

export const bursts: Phase = {
  id: 'e',
  title: 'bursts in one write, never read',
  async run(ctx) {
    const heartbeat = clientFrame('{"type":"heartbeat"}');
    const burst = Buffer.concat(Array<Buffer>(TINY_FRAMES).fill(heartbeat));
    await Promise.all(Array.from({ length: ctx.sizes.tinyBursts }, () => tinyBurst(ctx, burst)));
    // A server still working through the floods would starve the next attack of its answers.
    await ctx.server.settle(1, 30_000);
    await subscribeBursts(ctx);
  },
};
