// Phase d: a TCP reset at each stage of the handshake; the server must survive every one and keep no connection behind.
import type { RawClient } from './fuzz-client.js';
import { parallel, type Phase, type PhaseContext } from './fuzz-phase.js';
import { clientFrame, httpRequest, upgradeRequest } from './fuzz-wire.js';

interface Stage {
  name: string;
  /** Brings the connection to the stage; the reset follows. */
  reach(c: RawClient): Promise<void> | void;
}

const STAGES: Stage[] = [
  { name: 'after connect', reach: () => {} },
  { name: 'mid request line', reach: (c) => c.write(Buffer.from('GET /ws/sig')) },
  { name: 'mid headers', reach: (c) => c.write(upgradeRequest('/ws/signals').subarray(0, 60)) },
  { name: 'after an upgrade to an unknown path', reach: (c) => c.write(upgradeRequest('/nope')) },
  { name: 'after a plain GET /nope', reach: (c) => c.write(httpRequest('GET', '/nope')) },
  { name: 'after an upgrade to /ws/signals', reach: (c) => c.write(upgradeRequest('/ws/signals')) },
  { name: 'after an upgrade to /ws/symbols/AAPL', reach: (c) => c.write(upgradeRequest('/ws/symbols/AAPL')) },
  {
    name: 'right after the 101',
    reach: async (c) => {
      c.write(upgradeRequest('/ws/signals'));
      await c.until(() => c.stream.status !== undefined || c.closed, 3_000);
    },
  },
  {
    name: 'mid frame after the welcome',
    reach: async (c) => {
      await c.upgrade();
      c.write(clientFrame('{"type":"subscribe","symbols":["AAPL","MSFT"]}').subarray(0, 20));
    },
  },
];
/** After the stage, reset at once or after a pause, so that the reset lands before, during and after the server's answer. */
const DELAYS_MS = [0, 1, 5, 20];

async function resetAt(ctx: PhaseContext, stage: Stage, delayMs: number): Promise<void> {
  const client = await ctx.open();
  if (!client) return;
  await stage.reach(client);
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  client.reset();
  // What the server had answered by then (a 404, a 101) is all it could answer.
  if (client.stream.status !== undefined) ctx.tally.count(`HTTP ${client.stream.status}`);
  // The documented answer to a reset is none, and a server that lives on: a crash shows within moments.
  await new Promise((r) => setTimeout(r, 100));
  if (ctx.server.exit()) ctx.tally.suspect(`a reset ${stage.name} (${delayMs} ms later)`);
}

export const resets: Phase = {
  id: 'd',
  title: 'TCP resets during the handshake',
  async run(ctx) {
    const jobs = STAGES.flatMap((stage) => DELAYS_MS.flatMap((delay) => Array.from({ length: ctx.sizes.resets }, () => ({ stage, delay }))));
    await parallel(jobs.length, ctx.sizes.concurrency, ctx.over, (i) => resetAt(ctx, jobs[i]!.stage, jobs[i]!.delay));
    // Every reset connection must be forgotten: only the probe stays.
    const left = (await ctx.server.settle(1, 3_000)) - 1;
    if (ctx.server.exit() === undefined) {
      ctx.checks.push({ name: 'no connection left behind', ok: left === 0, detail: `${left} of the reset connections still counted 3 s later` });
    }
  },
};
