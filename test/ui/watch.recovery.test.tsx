// `signals watch` through a server restart: no gap in what it shows when the server kept its signal log, one line when it did not.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { SignalsClient } from '../../src/client/client.js';
import { MemoryLog } from '../../src/log/memory-log.js';
import { Dashboard } from '../../src/ui/dashboard.js';
import { wireDashboard } from '../../src/ui/wire.js';
import { spawnCli, spawnServe } from '../helpers/cli.js';
import { startServer } from '../helpers/server.js';

/** A fast replay of a volatile stretch: several analyses of AAPL a second. */
const FAST = ['--symbols', 'AAPL', '--from', '2020-03-02', '--speed', '40000', '--threshold', '0.5'];

const stateDir = () => mkdtempSync(join(tmpdir(), 'signals-watch-'));
const plain = (s: string | undefined) => (s ?? '').replace(/\u001B\[[0-9;]*m/g, '');

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The AAPL publications among NDJSON lines, in order. */
function publications(out: string): { seq: number; epoch: string; trigger: string }[] {
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line))
    .filter((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.symbol === 'AAPL')
    .map((m) => m.data);
}

async function head(url: string): Promise<number> {
  const http = url.replace(/^ws/, 'http').replace(/\/ws\/signals$/, '');
  let since = 0;
  for (;;) {
    const page = (await (await fetch(`${http}/api/v1/signals/AAPL?since_seq=${since}&limit=1000`)).json()) as { items: unknown[]; next_seq?: number };
    if (page.next_seq === undefined) return since + page.items.length;
    since = page.next_seq;
  }
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function serve(args: string[]) {
  const server = spawnServe(args);
  cleanups.push(() => {
    server.child.kill('SIGKILL');
    return server.exited;
  });
  return server;
}

function watch(url: string) {
  const cli = spawnCli(['watch', 'AAPL', '--json', '--url', url]);
  cleanups.push(() => {
    cli.child.kill('SIGCONT');
    cli.child.kill('SIGKILL');
    return cli.exited;
  });
  return cli;
}

describe('signals watch --json through a server restart', () => {
  it('on the same state dir: what was published while it was away follows, with no gap and no repeat', async () => {
    const dir = stateDir();
    const first = serve(['--state-dir', dir, ...FAST]);
    const url = await first.url;
    const cli = watch(url);
    await until(() => publications(cli.stdout()).length >= 3, 20_000, 'publications before the kill');

    // Frozen while the server dies and comes back, so that the restarted server publishes before watch reconnects.
    cli.child.kill('SIGSTOP');
    first.child.kill('SIGKILL');
    await first.exited;
    const seen = publications(cli.stdout()).at(-1)!.seq;
    const second = serve(['--state-dir', dir, '--port', new URL(url).port, ...FAST]);
    await second.url;
    await until(async () => (await head(url)) >= seen + 3, 10_000, 'publications while watch was away');
    const missed = await head(url);
    cli.child.kill('SIGCONT');
    await until(() => (publications(cli.stdout()).at(-1)?.seq ?? 0) > missed, 20_000, 'watch to catch up');

    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    const got = publications(cli.stdout());
    const seqs = got.map((d) => d.seq);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => seqs[0]! + i));
    expect(new Set(got.map((d) => d.epoch)).size).toBe(1);
    // The missed ones came as they were published, not as a snapshot of the latest.
    expect(got.filter((d) => d.seq > seen && d.seq <= missed).every((d) => d.trigger !== 'snapshot')).toBe(true);
    expect(cli.stdout()).toMatch(/"type":"subscribed","symbol":"AAPL".*"recovered":true/);
    expect(cli.stderr()).toMatch(/connection lost/);
    expect(cli.stderr()).not.toMatch(/could not be recovered/);
  });

  it('on another state dir: one line on stderr says what was missed is lost; stdout goes on from the new log', async () => {
    const first = serve(['--state-dir', stateDir(), ...FAST]);
    const url = await first.url;
    const cli = watch(url);
    await until(() => publications(cli.stdout()).length >= 2, 20_000, 'publications before the kill');
    first.child.kill('SIGKILL');
    await first.exited;
    const second = serve(['--state-dir', stateDir(), '--port', new URL(url).port, ...FAST]);
    await second.url;
    await until(() => /could not be recovered/.test(cli.stderr()), 20_000, 'the line on stderr');
    await until(() => new Set(publications(cli.stdout()).map((d) => d.epoch)).size === 2, 20_000, 'publications of the new log');
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    const lines = cli
      .stderr()
      .split('\n')
      .filter((l) => /could not be recovered/.test(l));
    expect(lines).toEqual([
      expect.stringMatching(
        /^signals: AAPL: publications missed while disconnected could not be recovered \(the server's signal log is another one.*\); continuing from #\d+$/,
      ),
    ]);
    // stdout stays pure NDJSON.
    for (const line of cli.stdout().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('the dashboard through a restart that lost the log', () => {
  it('says in its event log that the symbol could not be recovered', async () => {
    const first = await startServer({ log: new MemoryLog() });
    const client = new SignalsClient({ url: `${first.url}/ws/signals`, initialDelayMs: 100, maxDelayMs: 200 });
    const welcome = await client.connect();
    const props = wireDashboard(client, { title: 'test', symbols: ['JPM'], agents: welcome.agents, colors: false });
    const app = render(<Dashboard {...props} fps={30} />);
    cleanups.push(() => {
      app.unmount();
      client.close();
    });
    client.subscribe(['JPM']);
    await until(async () => (await first.subscribers('JPM')) === 1);
    first.feed.push('JPM', 101);
    await until(() => /signal #1/.test(plain(app.lastFrame())));
    await first.stop();

    // Back on the same port with a new, empty log: another epoch.
    const second = await startServer({ port: first.port, log: new MemoryLog() });
    cleanups.push(() => second.stop());
    await until(() => /JPM: publications missed while disconnected could not be recovered/.test(plain(app.lastFrame())), 10_000, 'the line');
  });
});
