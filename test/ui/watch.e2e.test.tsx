// End to end: the dashboard on a real server (port 0) through the real client; the NDJSON mode as a real process.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { saveWatchlist } from '../../src/cli/config.js';
import { SignalsClient } from '../../src/client/client.js';
import { ServerMessage } from '../../src/protocol/messages.js';
import { Dashboard } from '../../src/ui/dashboard.js';
import { wireDashboard } from '../../src/ui/wire.js';
import { BIN, cleanEnv, run } from '../helpers/cli.js';
import { startServer, TestClient } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const plain = (s: string | undefined) => (s ?? '').replace(/\u001B\[[0-9;]*m/g, '');

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(25);
  }
}

/** The dashboard rendered on a real client connected to `url`, showing `symbols`. */
interface DashboardOptions {
  initialDelayMs?: number;
  maxDelayMs?: number;
  onWatchlist?: (symbols: string[]) => void;
}

async function dashboardOn(url: string, symbols: string[], { onWatchlist, ...options }: DashboardOptions = {}) {
  const client = new SignalsClient({ url: `${url}/ws/signals`, ...options });
  const welcome = await client.connect();
  const props = wireDashboard(client, {
    title: 'test',
    symbols,
    agents: welcome.agents,
    colors: false,
    statusEveryMs: 200,
    ...(onWatchlist ? { onWatchlist } : {}),
  });
  const app = render(<Dashboard {...props} fps={30} />);
  const close = () => {
    app.unmount();
    client.close();
  };
  return { client, app, close };
}

describe('signals watch end to end', () => {
  it('the dashboard shows live prices, the votes and the consensus from a real server; `a` re-analyses', async () => {
    const ctx = await startServer();
    const { client, app, close } = await dashboardOn(ctx.url, ['JPM']);
    client.subscribe(['JPM']);
    await until(async () => (await ctx.subscribers('JPM')) === 1);
    ctx.feed.push('JPM', 101.5);
    await until(() => /JPM\s+101\.50/.test(plain(app.lastFrame())));
    await until(() => /TechnicalAnalyst\s+(BUY|SELL|HOLD)/.test(plain(app.lastFrame())));
    const frame = plain(app.lastFrame());
    expect(frame).toMatch(/JPM\s+101\.50\s+\+1\.50/);
    expect(frame).toMatch(/(BUY|SELL|HOLD|NO_SIGNAL)\s.*initial/);
    expect(frame).toMatch(/JPM agents\s+\(signal #1\)/);
    app.stdin.write('a');
    await until(() => /signal #2/.test(plain(app.lastFrame())));
    expect(plain(app.lastFrame())).toMatch(/manual/);
    close();
    await ctx.stop();
  });

  it("Enter: the detail with the server's recent signals; a feed that ends dims the rows", async () => {
    const ctx = await startServer();
    const { client, app, close } = await dashboardOn(ctx.url, ['JPM']);
    client.subscribe(['JPM']);
    await until(async () => (await ctx.subscribers('JPM')) === 1);
    for (const [i, price] of [101.5, 104, 99].entries()) {
      ctx.feed.push('JPM', price);
      await until(() => new RegExp(`signal #${i + 1}`).test(plain(app.lastFrame())));
    }
    app.stdin.write('\r');
    // The detail's first line (the table view's consensus pane starts `JPM  price`).
    await until(() => /^JPM {2}(BUY|SELL|HOLD)/m.test(plain(app.lastFrame())));
    // The real server's evidence: each agent's call with the chance it is right, and its record.
    expect(plain(app.lastFrame())).toMatch(
      /^TechnicalAnalyst\s+(BUY|SELL) P\(right\) \d\.\d\d|^TechnicalAnalyst\s+HOLD P\(likelier side\) \d\.\d\d/m,
    );
    expect(plain(app.lastFrame())).toMatch(/^ {2}evidence on bundled \(\d+ stocks\), \d+ months/m);
    // The history the server logged is at the end, newest first, with the triggers that started each analysis.
    // PgDn until it shows: the server's answer may arrive after the first presses, and add lines below them.
    await until(() => {
      app.stdin.write('\u001B[6~');
      return /recent signals\n {2}#3 .*price_move\n {2}#2 .*price_move\n {2}#1 .*initial/.test(plain(app.lastFrame()));
    });
    app.stdin.write('\u001B');
    await until(() => /^SYMBOL/m.test(plain(app.lastFrame())));
    expect(plain(app.lastFrame())).not.toMatch(/\bAGE\b/);
    ctx.feed.end();
    await until(() => /· feed ended ·/.test(plain(app.lastFrame())));
    expect(plain(app.lastFrame())).toMatch(/^SYMBOL.*\bAGE\b/m);
    expect(plain(app.lastFrame())).toMatch(/stale: feed ended/);
    close();
    await ctx.stop();
  });

  it('NDJSON: `signals watch AAPL --local` when stdout is a pipe prints one protocol message per line', async () => {
    const child = spawn(process.execPath, [BIN, 'watch', 'AAPL', '--local', '--speed', '3000'], { env: cleanEnv() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await until(() => /"type":"(signal_update|decision_update)"/.test(out) && /"type":"price_update"/.test(out), 20_000);
    child.kill('SIGINT');
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
    const lines = out.trim().split('\n');
    for (const line of lines) expect(() => ServerMessage.parse(JSON.parse(line))).not.toThrow();
    expect(lines[0]).toMatch(/"type":"subscribed","symbol":"AAPL"/);
    expect(out).not.toMatch(/\u001B\[/);
  });

  it('nothing at the url: one line with the remedy, exit 6', () => {
    const r = run(['watch', 'AAPL', '--url', 'ws://127.0.0.1:9/ws/signals']);
    expect(r.code).toBe(6);
    expect(r.stderr).toBe('signals: nothing answered at ws://127.0.0.1:9/ws/signals; start `signals serve` there, or run `signals watch --local`\n');
  });

  it('a refused token says so, exit 7; an unknown symbol exit 3', async () => {
    const ctx = await startServer({ auth: { tokens: ['right'] } });
    const child = spawn(process.execPath, [BIN, 'watch', 'AAPL', '--url', `${ctx.url}/ws/signals`, '--token', 'wrong'], { env: cleanEnv() });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    expect(await new Promise((r) => child.on('exit', r))).toBe(7);
    expect(err).toMatch(/refused the token/);
    await ctx.stop();
    const r = run(['watch', 'NOPE', '--local']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/unknown symbol NOPE/);
  });

  it('a full server (1013) says so and to try later, exit 9, not "nothing answered"', async () => {
    const ctx = await startServer({ limits: { maxConnections: 1 } });
    const first = await TestClient.connect(`${ctx.url}/ws/signals`);
    const child = spawn(process.execPath, [BIN, 'watch', 'AAPL', '--url', `${ctx.url}/ws/signals`], { env: cleanEnv() });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    expect(await new Promise((r) => child.on('exit', r))).toBe(9);
    expect(err).toBe(`signals: the server at ${ctx.url}/ws/signals is full or unavailable (too many connections); try again later\n`);
    first.close();
    await ctx.server.stop();
  });
});

describe('adding a symbol from the dashboard', () => {
  it('subscribes a known symbol and drops an unknown one with the server error in the log', async () => {
    const ctx = await startServer();
    const { app, close } = await dashboardOn(ctx.url, ['AAPL']);
    for (const key of ['+', 'k', 'o', '\r']) {
      app.stdin.write(key);
      await sleep(40);
    }
    await until(async () => (await ctx.subscribers('KO')) === 1);
    for (const key of ['+', 'z', 'z', 'z', '\r']) {
      app.stdin.write(key);
      await sleep(40);
    }
    await until(() => /UNKNOWN_SYMBOL: unknown symbol ZZZ/.test(plain(app.lastFrame())));
    const frame = plain(app.lastFrame());
    expect(frame).toMatch(/^\s*›?KO\s/m);
    expect(frame).not.toMatch(/^\s*›?ZZZ\s/m);
    close();
    await ctx.stop();
  });
});

describe('saving the watchlist', () => {
  it('a config file that cannot take it is a line in the event log, and the dashboard goes on', async () => {
    const ctx = await startServer();
    const config = join(mkdtempSync(join(tmpdir(), 'signals-config-')), 'config.json');
    writeFileSync(config, '{ not json');
    const { app, close } = await dashboardOn(ctx.url, ['AAPL'], { onWatchlist: (symbols) => saveWatchlist(symbols, config) });
    for (const key of ['+', 'k', 'o', '\r']) {
      app.stdin.write(key);
      await sleep(40);
    }
    await until(() => /watchlist not saved: config file .*config\.json: is not JSON/.test(plain(app.lastFrame())));
    await until(async () => (await ctx.subscribers('KO')) === 1);
    expect(readFileSync(config, 'utf8')).toBe('{ not json');
    close();
    await ctx.stop();
  });
});

describe('one symbol rule in the dashboard and the client', () => {
  it("BRK.B typed in with + follows the server's BRK-B row", async () => {
    const ctx = await startServer();
    const { app, close } = await dashboardOn(ctx.url, ['AAPL']);
    for (const key of ['+', 'b', 'r', 'k', '.', 'b', '\r']) {
      app.stdin.write(key);
      await sleep(40);
    }
    await until(async () => (await ctx.subscribers('BRK-B')) === 1);
    ctx.feed.push('BRK-B', 101.5);
    await until(() => /^\s*›?BRK-B\s+101\.50/m.test(plain(app.lastFrame())));
    close();
    await ctx.stop();
  });

  it('a symbol subscribed as brk.b and unsubscribed as BRK-B is not subscribed again after a reconnect', async () => {
    const first = await startServer();
    const client = new SignalsClient({ url: `${first.url}/ws/signals`, initialDelayMs: 100, maxDelayMs: 200 });
    await client.connect();
    client.subscribe(['brk.b', 'KO']);
    await until(async () => (await first.subscribers('BRK-B')) === 1 && (await first.subscribers('KO')) === 1);
    client.unsubscribe(['BRK-B']);
    await until(async () => (await first.subscribers('BRK-B')) === 0);
    await first.stop();
    const second = await startServer({ port: first.port });
    await until(async () => (await second.subscribers('KO')) === 1);
    expect(await second.subscribers('BRK-B')).toBe(0);
    client.close();
    await second.stop();
  });
});

describe('the dashboard through a lost connection', () => {
  it('shows "reconnecting in Ns", then comes back with the tables rebuilt from snapshots', async () => {
    const first = await startServer();
    const port = first.port;
    const { client, app, close } = await dashboardOn(first.url, ['JPM'], { initialDelayMs: 300, maxDelayMs: 600 });
    client.subscribe(['JPM']);
    await until(async () => (await first.subscribers('JPM')) === 1);
    first.feed.push('JPM', 101);
    await until(() => /signal #1/.test(plain(app.lastFrame())));
    await first.stop();
    await until(() => /reconnecting in \ds/.test(plain(app.lastFrame())));

    // The server comes back on the same port with its own history: one analysis of JPM.
    const second = await startServer({ port });
    second.feed.watch('JPM');
    second.feed.push('JPM', 102);
    await second.core.idle();
    await until(() => /● connected/.test(plain(app.lastFrame())), 10_000);
    await until(() => /JPM agents\s+\(signal #1\)/.test(plain(app.lastFrame())) && /snapshot/.test(plain(app.lastFrame())));
    expect(plain(app.lastFrame())).toMatch(/TechnicalAnalyst\s+(BUY|SELL|HOLD)/);
    close();
    await second.stop();
  });
});
