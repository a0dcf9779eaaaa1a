// Starts and reads the probe process (bench/fuzz-probe.mjs): a well-behaved client whose heartbeat round trips are timed.
import { fork, type ChildProcess } from 'node:child_process';
import { findUp } from './fuzz-server.js';

export interface ProbeStats {
  samples: number;
  /** Heartbeats unanswered when the figures were taken, counted at their age then. */
  unanswered: number;
  /** Of those, the ones older than `take`'s `staleMs`: not just in flight, unanswered. */
  stale: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** How the probe's connection ended, if it did: the server dropped a client that did nothing wrong. */
  disconnected: string | null;
}

const quantile = (sorted: number[], q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
const round = (x: number) => Math.round(x * 10) / 10;

export class Probe {
  private constructor(
    private readonly child: ChildProcess,
    /** The bundled symbols, from the server's `connected` welcome. */
    readonly symbols: readonly string[],
  ) {}

  static async start(port: number): Promise<Probe> {
    const child = fork(findUp('bench/fuzz-probe.mjs'), [String(port)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const symbols = await new Promise<string[]>((resolve, reject) => {
      child.once('message', (m: { symbols?: string[]; error?: string }) => (m.symbols ? resolve(m.symbols) : reject(new Error(`probe: ${m.error}`))));
      child.once('exit', () => reject(new Error('the probe process exited before connecting')));
    });
    return new Probe(child, symbols);
  }

  /** The figures since the last call; a heartbeat unanswered for over `staleMs` counts as `stale`. */
  async take(staleMs = Infinity): Promise<ProbeStats> {
    const gone = { rtts: [], pending: [], disconnected: 'the probe process has exited' };
    const { rtts, pending, disconnected } = await new Promise<{ rtts: number[]; pending: number[]; disconnected?: string }>((resolve) => {
      if (!this.child.connected) return resolve(gone);
      const onMessage = (m: { stats?: { rtts: number[]; pending: number[]; disconnected?: string } }) => {
        if (!m.stats) return;
        this.child.off('message', onMessage);
        resolve(m.stats);
      };
      this.child.on('message', onMessage);
      this.child.send('take');
    });
    return {
      samples: rtts.length,
      unanswered: pending.length,
      stale: pending.filter((age) => age > staleMs).length,
      p50_ms: round(quantile(rtts, 0.5)),
      p99_ms: round(quantile(rtts, 0.99)),
      max_ms: round(rtts.at(-1) ?? 0),
      disconnected: disconnected ?? null,
    };
  }

  stop(): void {
    this.child.kill();
  }
}
