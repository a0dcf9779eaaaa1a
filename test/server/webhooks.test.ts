// Webhooks against a real receiver on 127.0.0.1 that fails, times out and recovers, with the server killed (SIGKILL) in between.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SegmentLog } from '../../src/log/segment-log.js';
import { verify } from '../../src/webhooks/signature.js';
import { run, spawnServe } from '../helpers/cli.js';
import { TRENDING, writeTrendingData } from '../helpers/trending-data.js';

const SECRET = 'whsec-test-1';

/** A webhook receiver: answers 500 (`fail`), never answers (`hang`), or records the request and answers 204 (`ok`). */
class Receiver {
  mode: 'fail' | 'hang' | 'ok' = 'fail';
  readonly attempts: { mode: string; delivery: string }[] = [];
  readonly accepted: { body: string; headers: IncomingHttpHeaders }[] = [];
  private readonly hung: ServerResponse[] = [];
  private readonly server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      this.attempts.push({ mode: this.mode, delivery: String(req.headers['signals-delivery']) });
      if (this.mode === 'fail') res.writeHead(500).end('down for maintenance');
      else if (this.mode === 'hang') this.hung.push(res);
      else {
        this.accepted.push({ body, headers: req.headers });
        res.writeHead(204).end();
      }
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/signals`;
  }

  count(mode: string): number {
    return this.attempts.filter((a) => a.mode === mode).length;
  }

  async stop(): Promise<void> {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The BUY and SELL signal_updates in the signal log of `dir`, by delivery id (epoch:symbol:seq). */
async function tradesInLog(dir: string): Promise<Set<string>> {
  const log = SegmentLog.open({ dir, readOnly: true });
  const ids = new Set<string>();
  for (const symbol of TRENDING) {
    for (const record of await log.read(symbol, { limit: 100_000 })) {
      const m = JSON.parse(record.json) as { type: string; data: { action: string } };
      if (m.type === 'signal_update' && (m.data.action === 'BUY' || m.data.action === 'SELL')) ids.add(`${log.epoch}:${symbol}:${record.seq}`);
    }
  }
  await log.close();
  return ids;
}

/** The value of one sample in Prometheus text. */
function sample(metrics: string, name: string, labels: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? Number.NaN : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('signals serve --webhook', () => {
  const receiver = new Receiver();
  afterAll(() => receiver.stop());

  it('the receiver down, timing out, the server killed and restarted: every BUY and SELL delivered at least once, signed', async () => {
    const url = await receiver.start();
    const origin = new URL(url).origin;
    const stateDir = mkdtempSync(join(tmpdir(), 'signals-webhook-'));
    // A data folder of its own, whose persistent trends make the agents call on every symbol.
    const data = ['--data-dir', writeTrendingData(), '--symbols', TRENDING.join(',')];
    const args = [...data, '--webhook', url, '--webhook-secret', SECRET, '--webhook-timeout', '300', '--speed', '3900', '--threshold', '0.3'];
    const env = { SIGNALS_STATE_DIR: stateDir };

    const first = spawnServe(args, env);
    const http = (await first.url).replace(/^ws/, 'http').replace('/ws/signals', '');
    // Down: 500s, retried with backoff.
    await expect.poll(() => receiver.count('fail'), { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(3);
    // Then no answer at all: each attempt times out after 300 ms.
    receiver.mode = 'hang';
    await expect.poll(() => receiver.count('hang'), { timeout: 20_000, interval: 50 }).toBeGreaterThanOrEqual(2);
    // The server meanwhile answers, and counts the failures per webhook.
    const metrics = await (await fetch(`${http}/metrics`)).text();
    expect(sample(metrics, 'signals_webhook_failed_total', `webhook="${origin}",reason="500"`)).toBeGreaterThanOrEqual(3);
    expect(sample(metrics, 'signals_webhook_retries_total', `webhook="${origin}"`)).toBeGreaterThanOrEqual(4);
    expect(sample(metrics, 'signals_webhook_delivered_total', `webhook="${origin}"`)).toBe(0);
    expect(sample(metrics, 'signals_webhook_lag_publications', `webhook="${origin}"`)).toBeGreaterThan(0);
    await expect
      .poll(
        async () => sample(await (await fetch(`${http}/metrics`)).text(), 'signals_webhook_failed_total', `webhook="${origin}",reason="timeout"`),
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThanOrEqual(1);

    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const beforeKill = await tradesInLog(stateDir);
    expect(beforeKill.size).toBeGreaterThan(0);
    expect(receiver.accepted).toHaveLength(0);

    receiver.mode = 'ok';
    const second = spawnServe(args, env);
    await second.url;
    // Everything the first run logged, and whatever the second adds, reaches the receiver.
    await expect
      .poll(
        async () => {
          const delivered = new Set(receiver.accepted.map((a) => String(a.headers['signals-delivery'])));
          return [...(await tradesInLog(stateDir))].filter((id) => !delivered.has(id));
        },
        { timeout: 30_000, interval: 200 },
      )
      .toEqual([]);
    for (const id of beforeKill) expect(receiver.accepted.some((a) => a.headers['signals-delivery'] === id)).toBe(true);

    for (const { body, headers } of receiver.accepted) {
      // Verified as a receiver would, without the server's code: HMAC-SHA256 of "t.body", a recent t.
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['signals-signature']))!;
      expect(createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')).toBe(v1);
      expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);
      const m = JSON.parse(body) as { type: string; data: { symbol: string; seq: number; epoch: string; action: string } };
      expect(m.type).toBe('signal_update');
      expect(['BUY', 'SELL']).toContain(m.data.action);
      expect(headers['signals-delivery']).toBe(`${m.data.epoch}:${m.data.symbol}:${m.data.seq}`);
      expect(headers['content-type']).toBe('application/json');
    }

    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }, 120_000);
});

describe('signals serve --webhook, with every other setting at its default', () => {
  const receiver = new Receiver();
  afterAll(() => receiver.stop());

  it('a signed BUY or SELL reaches the webhook within 2 minutes of the start, on the bundled replay', async () => {
    receiver.mode = 'ok';
    const url = await receiver.start();
    const started = Date.now();
    const serve = spawnServe(['--webhook', url, '--webhook-secret', SECRET], {
      SIGNALS_STATE_DIR: mkdtempSync(join(tmpdir(), 'signals-webhook-default-')),
    });
    await serve.url;
    await expect.poll(() => receiver.accepted.length, { timeout: 120_000 - (Date.now() - started), interval: 100 }).toBeGreaterThan(0);
    const { body, headers } = receiver.accepted[0]!;
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(headers['signals-signature']))!;
    expect(createHmac('sha256', SECRET).update(`${t}.${body}`).digest('hex')).toBe(v1);
    const m = JSON.parse(body) as { type: string; data: { action: string; evidence?: { label: string } } };
    expect(m.type).toBe('signal_update');
    expect(['BUY', 'SELL']).toContain(m.data.action);
    expect(m.data.evidence!.label).toMatch(/^edge: /);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  }, 150_000);
});

describe('webhooks from the config file', () => {
  it('"webhooks", "webhookSecret" and "webhookAll": every publication is sent, HOLDs and decisions too, whatever another webhook does', async () => {
    const receiver = new Receiver();
    receiver.mode = 'ok';
    const url = await receiver.start();
    // A receiver that never answers, listed first: the other webhook does not wait for it.
    const stuck = new Receiver();
    stuck.mode = 'hang';
    const stuckUrl = await stuck.start();
    const home = mkdtempSync(join(tmpdir(), 'signals-config-'));
    mkdirSync(join(home, 'signals'));
    writeFileSync(join(home, 'signals', 'config.json'), JSON.stringify({ webhooks: [stuckUrl, url], webhookSecret: SECRET, webhookAll: true }));
    const serve = spawnServe(['--symbols', 'AAPL,MSFT,SPY'], { XDG_CONFIG_HOME: home });
    await serve.url;
    // The first analyses of the three symbols: whatever they are, each is sent.
    await expect.poll(() => new Set(receiver.accepted.map((a) => JSON.parse(a.body).data.symbol)).size, { timeout: 20_000 }).toBe(3);
    for (const { body, headers } of receiver.accepted) expect(verify(SECRET, body, String(headers['signals-signature']))).toBe(true);
    expect(serve.log()).not.toContain('unsigned');
    expect(stuck.count('hang')).toBeGreaterThanOrEqual(1);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
    await receiver.stop();
    await stuck.stop();
  });
});

describe('webhook options', () => {
  it('a URL that is not http(s), a URL given twice, and a setting without --webhook: exit 2 naming the flag', () => {
    expect(run(['serve', '--port', '0', '--webhook', 'ftp://example.test/x'], {}, 10_000)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^signals: --webhook must be an http:\/\/ or https:\/\/ URL such as .*, got "ftp:\/\/example.test\/x"\n$/),
    });
    expect(run(['serve', '--port', '0', '--webhook', 'http://127.0.0.1:9/a', '--webhook', 'http://127.0.0.1:9/a'], {}, 10_000)).toMatchObject({
      code: 2,
      stderr: 'signals: --webhook names http://127.0.0.1:9/a twice\n',
    });
    expect(run(['serve', '--port', '0', '--webhook-all'], {}, 10_000)).toMatchObject({
      code: 2,
      stderr: 'signals: --webhook-all applies only with --webhook\n',
    });
    expect(run(['serve', '--port', '0'], { SIGNALS_WEBHOOKS: 'http://127.0.0.1:9/a,not a url' }, 10_000)).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^signals: SIGNALS_WEBHOOKS must be an http:\/\/ or https:\/\/ URL/),
    });
  });
});
