// Phase g: clients that flood, are closed, and reconnect at once from the same address, again and again.
import { FLOODED, floodAnswer } from './fuzz-bursts.js';
import type { Phase, PhaseContext } from './fuzz-phase.js';
import { summary } from './fuzz-tally.js';
import { clientFrame } from './fuzz-wire.js';

/** Heartbeats per flood, in one write: past the burst (40) and the refusals (50) that close the connection. */
const FLOOD_FRAMES = 200;
/** A refused client tries again after this; it may not keep the server's accept loop to itself. */
const RETRY_MS = 10;

/**
 * One address: flood, expect RATE_LIMITED then close 1008, reconnect at once; while the address is
 * penalised its upgrades must get HTTP 429 (at least the first one after each close for abuse).
 */
async function floodFrom(ctx: PhaseContext, flood: Buffer, until: number): Promise<void> {
  const address = ctx.attackers.address();
  let justClosed = false;
  while (Date.now() < until && !ctx.over()) {
    const client = await ctx.open({ address });
    if (!client) break;
    const status = await client.upgrade('/ws/signals', 3_000);
    if (status === 429) {
      justClosed = false;
      ctx.tally.client(client);
      client.destroy();
      await new Promise((r) => setTimeout(r, RETRY_MS));
      continue;
    }
    if (justClosed) ctx.tally.wrong(`reconnecting from ${address} right after its close for abuse`, 'HTTP 429', summary(client));
    if (status !== 101) {
      ctx.tally.wrong(`upgrade from ${address}`, 'HTTP 101 or 429', summary(client));
      ctx.tally.client(client);
      client.destroy();
      break;
    }
    client.write(flood);
    ctx.frames += FLOOD_FRAMES;
    await client.until(() => client.dropped(), 5_000);
    client.destroy();
    ctx.tally.client(client);
    ctx.tally.expect(`${FLOOD_FRAMES} heartbeats in one write from ${address}`, [FLOODED], floodAnswer(client));
    justClosed = client.stream.close?.code === 1008;
  }
}

export const floods: Phase = {
  id: 'g',
  title: 'floods from reconnecting clients',
  async run(ctx) {
    const flood = Buffer.concat(Array<Buffer>(FLOOD_FRAMES).fill(clientFrame('{"type":"heartbeat"}')));
    const until = Date.now() + ctx.sizes.floodSeconds * 1000;
    await Promise.all(Array.from({ length: ctx.sizes.floodAddresses }, () => floodFrom(ctx, flood, until)));
  },
};
