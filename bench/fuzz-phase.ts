// What a hostile-client phase is: its sizes, what it is given to attack with, and what its run reports.
import type { Attackers, RawClient } from './fuzz-client.js';
import type { Rng } from './fuzz-inputs.js';
import type { ProbeStats } from './fuzz-probe.js';
import type { ServeProcess } from './fuzz-server.js';
import type { Tally } from './fuzz-tally.js';

/** The server's cap on bytes waiting to be sent to one client. */
export const CLIENT_CAP_BYTES = 1024 * 1024;

/** How much each phase does; `npm run fuzz` and the test differ only in these. */
export interface Sizes {
  /** a: frames in all, 40 per connection. */
  frames: number;
  /** a, b, c, d: connections in flight at once. */
  concurrency: number;
  /** b: generated request targets, besides the fixed list. */
  randomPaths: number;
  /** c: rounds of the list of violations, each case on a connection of its own. */
  protocolRounds: number;
  /** d: repeats of each reset. */
  resets: number;
  /** e: clients writing 40,000 tiny frames at once, and clients writing 40 duplicate-heavy subscribes at once. */
  tinyBursts: number;
  subscribeBursts: number;
  /** f: clients that subscribe and never read. */
  stalledReaders: number;
  /** g: addresses that flood, are closed and reconnect at once, for this long; h to k flood for as long. */
  floodAddresses: number;
  floodSeconds: number;
  /** h: keep-alive HTTP connections asking for history pages of 1,000, from 8 addresses. */
  httpReaders: number;
  /** i: WebSocket connections from one address asking for history pages 20 times a second each; l: replay loops from one address. */
  wsReaders: number;
  /** A phase still running after this is cut short (and fails). */
  phaseSeconds: number;
  /**
   * The well-behaved client's heartbeat must come back within this, whatever the attackers do. The full run holds the
   * server to a latency target on a machine of its own; the small run in `npm test` shares its machine with whatever
   * else runs, so it only catches a stall (an event loop blocked for seconds), not a slow turn.
   */
  probeLimitMs: number;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PhaseContext {
  readonly port: number;
  readonly server: ServeProcess;
  readonly attackers: Attackers;
  readonly tally: Tally;
  readonly rng: Rng;
  readonly sizes: Sizes;
  /** The bundled symbols, as the server's welcome lists them. */
  readonly symbols: readonly string[];
  /** Frames the phase has sent. */
  frames: number;
  /** Checks of this phase beyond the shared ones. */
  readonly checks: Check[];
  /** Whether to stop starting new work: the phase's time is up or the server is gone. */
  over(): boolean;
  /** Opens a raw client from a fresh address (or `address`); undefined, and counted, if the server refuses the TCP connection. */
  open(options?: { address?: string; paused?: boolean; skim?: boolean }): Promise<RawClient | undefined>;
}

export interface Phase {
  id: string;
  title: string;
  /** Also checks issue 24's criterion: the probe's p99 within `probeLimitMs` and no heartbeat left unanswered longer. */
  bystander?: boolean;
  /** Also checks that once its clients are gone (and after a garbage collection) the server's RSS is within twice what it was before. */
  memoryReturns?: boolean;
  run(ctx: PhaseContext): Promise<void>;
}

export interface PhaseReport {
  id: string;
  title: string;
  seconds: number;
  frames: number;
  connections: number;
  peak_clients: number;
  answers: Record<string, number>;
  /** `after` is null when the server did not survive the phase. */
  rss_mib: { before: number; after: number | null; max: number; bound: number };
  probe: ProbeStats;
  checks: Check[];
  ok: boolean;
}

/** Runs `task(0)` … `task(count - 1)`, `workers` at a time, starting none once `over()`. */
export async function parallel(count: number, workers: number, over: () => boolean, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(workers, count) }, async () => {
      while (next < count && !over()) await task(next++);
    }),
  );
}
