// `signals serve` as a real process: activity from the replay, SIGTERM closes clients with 1001 and exits 0.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, run, spawnServe } from '../helpers/cli.js';
import { TestClient } from '../helpers/server.js';

describe('signals serve process', () => {
  it('replays the bundled market: prices and signals flow; SIGTERM closes clients with 1001 and exits 0', async () => {
    const { child, url, log } = spawnServe(['--speed', '3000', '--symbols', 'AAPL,SPY']);
    const c = await TestClient.connect(await url);
    c.send({ type: 'subscribe', symbols: ['AAPL', 'SPY'] });
    const price = await c.next((m) => m.type === 'price_update' && m.data.symbol === 'SPY');
    expect(price.data.timestamp >= '2025-07-08T13:30:00.000Z').toBe(true);
    await c.next((m) => m.type === 'signal_update' || m.type === 'decision_update', 10_000);
    const started = Date.now();
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await c.waitClosed()).toEqual({ code: 1001, reason: 'server shutting down' });
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const line of log().trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('a bad flag exits 2 with one line', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--threshold', 'lots'], { env: cleanEnv() });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    expect(await new Promise((r) => child.on('exit', r))).toBe(2);
    expect(err).toBe('signals: --threshold must be a number >= 0, got "lots"\n');
  });

  it('bad --port, --host and --from: exit 2 or 4 with one line', () => {
    expect(run(['serve', '--port', '99999'])).toMatchObject({ code: 2, stderr: 'signals: --port must be from 0 to 65535, got 99999\n' });
    expect(run(['serve', '--port', '0', '--host', '10.255.255.1'])).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/cannot listen on 10\.255\.255\.1: not an address of this machine; check --host\n$/),
    });
    expect(run(['serve', '--port', '0', '--from', '1990-01-02'])).toMatchObject({
      code: 4,
      stderr: expect.stringMatching(/--from 1990-01-02 is outside the replay calendar/),
    });
  });

  it('warns when bound beyond loopback without authentication', async () => {
    const { child, url, log } = spawnServe(['--host', '0.0.0.0']);
    await url;
    expect(log()).toMatch(/"level":"warn","msg":"listening on 0.0.0.0 without authentication/);
    child.kill('SIGINT');
    expect(await new Promise((r) => child.on('exit', r))).toBe(0);
  });
});
