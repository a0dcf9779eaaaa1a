// Runs hostile-client phases against one `signals serve` process, with the checks every phase shares: alive, RSS bound, probe round trip, answers.
import { Addresses, Attackers } from './fuzz-client.js';
import { Rng } from './fuzz-inputs.js';
import { CLIENT_CAP_BYTES, type Check, type Phase, type PhaseContext, type PhaseReport, type Sizes } from './fuzz-phase.js';
import { Probe, type ProbeStats } from './fuzz-probe.js';
import { startServe, type ServeProcess } from './fuzz-server.js';
import { Tally } from './fuzz-tally.js';
import { clientFrame } from './fuzz-wire.js';

/** The server's default analyze burst per connection: what one connection's subscriptions may have analysed at once. */
const ANALYZE_BURST = 5;

/** RSS the server may use beyond one cap per attacking client: its own footprint plus transient garbage. */
const FIXED_BUDGET_BYTES = 300 * 1024 * 1024;

/** The error a crashed server printed (its last `SomethingError: …` line and the frame under it), or its last lines. */
function crash(log: string): string {
  const lines = log.trim().split('\n');
  const at = lines.findLastIndex((l) => /^\w*(Error|Exception)\b/.test(l.trim()));
  return (at >= 0 ? lines.slice(at, at + 2) : lines.slice(-3)).map((l) => l.trim()).join(' ');
}

const mib = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;

/** The report of a phase that did not run: it fails, since none of its checks were made. */
export function notRun(phase: Phase, why: string): PhaseReport {
  return {
    id: phase.id,
    title: phase.title,
    seconds: 0,
    frames: 0,
    connections: 0,
    peak_clients: 0,
    answers: {},
    rss_mib: { before: 0, after: 0, max: 0, bound: 0 },
    probe: { samples: 0, unanswered: 0, stale: 0, p50_ms: 0, p99_ms: 0, max_ms: 0, disconnected: null },
    checks: [{ name: 'time', ok: false, detail: `not run: ${why}` }],
    ok: false,
  };
}

/** Runs phases in turn against a server, restarting it after a phase that killed it or left it over its memory bound. */
export class Session {
  private server: ServeProcess | undefined;
  private probe: Probe | undefined;
  private readonly addresses = new Addresses();
  private readonly rng: Rng;

  constructor(
    private readonly sizes: Sizes,
    seed: number,
    /** No phase starts after this time (ms since the epoch), and a running one stops at it. */
    private readonly deadline = Infinity,
    /** Run the server as a node of the cluster on this Redis (`serve --redis-url`). */
    private readonly redisUrl?: string,
  ) {
    this.rng = new Rng(seed);
  }

  async run(phase: Phase): Promise<PhaseReport> {
    // The phase's time starts once the server is up: the first phase also waits for its start and its log of reads.
    const { server, probe } = await this.ready();
    const started = Date.now();
    const tally = new Tally();
    const attackers = new Attackers(server.port, this.addresses);
    const checks: Check[] = [];
    const until = Math.min(this.deadline, started + this.sizes.phaseSeconds * 1000);
    const ctx: PhaseContext = {
      port: server.port,
      server,
      attackers,
      tally,
      rng: this.rng,
      sizes: this.sizes,
      symbols: probe.symbols,
      frames: 0,
      checks,
      over: () => Date.now() > until || server.exit() !== undefined,
      open: async (options) => {
        try {
          return await attackers.open(options);
        } catch {
          tally.count('TCP connect refused');
          return undefined;
        }
      },
    };
    await server.collectGarbage();
    const before = server.rss() ?? 0;
    let max = before;
    const sampler = setInterval(() => (max = Math.max(max, server.rss() ?? 0)), 50);
    await probe.take();
    try {
      await phase.run(ctx);
    } catch (error) {
      checks.push({ name: 'harness', ok: false, detail: `the phase threw: ${String(error)}` });
    }
    if (Date.now() > until && server.exit() === undefined) {
      checks.push({ name: 'time', ok: false, detail: `cut short after ${Math.round((Date.now() - started) / 1000)} s` });
    }
    const stats = await probe.take(this.sizes.probeLimitMs);
    clearInterval(sampler);
    attackers.closeAll();
    const after = server.rss();
    max = Math.max(max, after ?? 0);
    const bound = attackers.peak * CLIENT_CAP_BYTES + FIXED_BUDGET_BYTES;
    const exit = server.exit();
    tally.settle(exit !== undefined);
    const shared: Check[] = [
      {
        name: 'alive',
        ok: exit === undefined,
        detail: exit
          ? `server exited (code ${exit.code}, signal ${exit.signal}): ${crash(server.log())}; inputs in flight: ${tally.inFlight.join(' || ') || 'none seen'}`
          : 'server process alive',
      },
      {
        name: 'memory',
        ok: max <= bound,
        detail: `max RSS ${mib(max)} MiB, bound ${mib(bound)} MiB (${attackers.peak} clients x 1 MiB + ${mib(FIXED_BUDGET_BYTES)} MiB)`,
      },
      {
        name: 'probe',
        ok: !stats.disconnected && stats.samples > 0 && stats.max_ms < this.sizes.probeLimitMs,
        detail: `heartbeat round trip p50 ${stats.p50_ms} / p99 ${stats.p99_ms} / max ${stats.max_ms} ms over ${stats.samples} (limit ${this.sizes.probeLimitMs} ms)${stats.unanswered ? `, ${stats.unanswered} unanswered` : ''}${stats.disconnected ? `, probe disconnected (${stats.disconnected})` : ''}`,
      },
      {
        name: 'answers',
        ok: tally.mismatches === 0,
        detail: tally.mismatches === 0 ? 'every input got its documented answer' : `${tally.mismatches} wrong: ${tally.examples.join(' || ')}`,
      },
    ];
    if (phase.bystander) {
      shared.push({
        name: 'bystander',
        ok: !stats.disconnected && stats.samples > 0 && stats.p99_ms <= this.sizes.probeLimitMs && stats.stale === 0,
        detail: `heartbeat p99 ${stats.p99_ms} ms (limit ${this.sizes.probeLimitMs} ms), ${stats.stale} of ${stats.samples} unanswered after ${this.sizes.probeLimitMs} ms`,
      });
    }
    if (phase.memoryReturns && exit === undefined) {
      await server.settle(1, 10_000);
      await server.collectGarbage();
      const settled = server.rss();
      shared.push({
        name: 'memory returns',
        ok: settled !== undefined && settled <= 2 * before,
        detail: `RSS ${mib(settled ?? 0)} MiB once the phase's clients were gone and after a garbage collection: ${(settled ?? 0) / before < 10 ? ((settled ?? 0) / before).toFixed(2) : 'over 10'} times the ${mib(before)} MiB before it (limit 2)`,
      });
    }
    if (exit !== undefined || max > bound) await this.restart();
    else if (stats.disconnected) {
      this.probe?.stop();
      this.probe = undefined;
    }
    const all = [...shared, ...checks];
    return {
      id: phase.id,
      title: phase.title,
      seconds: Math.round((Date.now() - started) / 100) / 10,
      frames: ctx.frames,
      connections: attackers.connections,
      peak_clients: attackers.peak,
      answers: tally.answers,
      rss_mib: { before: mib(before), after: after === undefined ? null : mib(after), max: mib(max), bound: mib(bound) },
      probe: stats,
      checks: all,
      ok: all.every((c) => c.ok),
    };
  }

  /** The probe's round trips over `ms` with no attack: the baseline the phases' figures compare with. */
  async baseline(ms: number): Promise<ProbeStats> {
    const { probe } = await this.ready();
    await probe.take();
    await new Promise((r) => setTimeout(r, ms));
    return probe.take(this.sizes.probeLimitMs);
  }

  async stop(): Promise<void> {
    this.probe?.stop();
    await this.server?.stop();
  }

  /** A live server with a connected probe, and none of the last phase's connections left (waited for up to 10 s). */
  private async ready(): Promise<{ server: ServeProcess; probe: Probe }> {
    if (!this.server || this.server.exit()) await this.restart();
    const server = this.server!;
    this.probe ??= await Probe.start(server.port);
    await server.settle(1, 10_000);
    return { server, probe: this.probe };
  }

  private async restart(): Promise<void> {
    this.probe?.stop();
    this.probe = undefined;
    await this.server?.stop();
    this.server = await startServe(this.redisUrl);
    await this.warmUp(this.server);
  }

  /**
   * Subscribes to every bundled symbol and waits for each one's first analysis: the server loads a
   * symbol's data on first use, a one-time cost that must not be charged to the first phase's attackers.
   * Each connection subscribes to as many symbols as its analyze burst pays for, from an address of its own.
   */
  private async warmUp(server: ServeProcess): Promise<void> {
    const attackers = new Attackers(server.port, this.addresses);
    const first = await attackers.open();
    await first.upgrade();
    const symbols = ((first.stream.messages.find((m) => m.type === 'connected')?.symbols ?? []) as string[]).slice(0, 100);
    first.destroy();
    const groups = Array.from({ length: Math.ceil(symbols.length / ANALYZE_BURST) }, (_, i) =>
      symbols.slice(i * ANALYZE_BURST, (i + 1) * ANALYZE_BURST),
    );
    await Promise.all(
      groups.map(async (group) => {
        const client = await attackers.open();
        await client.upgrade();
        client.write(clientFrame(JSON.stringify({ type: 'subscribe', symbols: group })));
        const analysed = () =>
          new Set(
            client.stream.messages
              .filter((m) => (m.type === 'signal_update' || m.type === 'decision_update') && (m.data as { trigger?: string }).trigger !== 'snapshot')
              .map((m) => (m.data as { symbol: string }).symbol),
          );
        await client.until(() => analysed().size >= group.length, 20_000);
        client.destroy();
      }),
    );
  }
}
