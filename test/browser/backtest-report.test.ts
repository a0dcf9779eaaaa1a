// The backtest's HTML report in a real headless Chromium (over the DevTools protocol): its charts draw, and it asks the network for nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { run } from '../helpers/cli.js';

/** Debian's package; `.ci/run` installs it when it is missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Cdp {
  send(method: string, params?: object): Promise<Record<string, unknown>>;
  on(method: string, listener: (params: Record<string, unknown>) => void): void;
  close(): void;
}

/** A DevTools session on the browser's first page. */
async function devtools(browserUrl: string): Promise<Cdp> {
  const { port } = new URL(browserUrl);
  const pages = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
  const ws = new WebSocket(pages.find((p) => p.type === 'page')!.webSocketDebuggerUrl);
  await new Promise((resolve) => ws.once('open', resolve));
  let id = 0;
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  const listeners = new Map<string, ((params: Record<string, unknown>) => void)[]>();
  ws.on('message', (data) => {
    const m = JSON.parse((data as Buffer).toString()) as {
      id?: number;
      result?: Record<string, unknown>;
      method?: string;
      params?: Record<string, unknown>;
    };
    if (m.id !== undefined) pending.get(m.id)?.(m.result ?? {});
    else if (m.method) for (const l of listeners.get(m.method) ?? []) l(m.params ?? {});
  });
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        pending.set(++id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    on: (method, listener) => listeners.set(method, [...(listeners.get(method) ?? []), listener]),
    close: () => ws.close(),
  };
}

describe('the backtest report in a headless browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signals-bt-browser-'));
  const report = join(dir, 'report.html');
  let browser: ChildProcess;
  let cdp: Cdp;
  const requested: string[] = [];

  beforeAll(async () => {
    const r = run(['backtest', 'NVDA', 'KO', '--from', '2022-05-02', '--to', '2022-08-31', '--every', '2', '--report', report]);
    expect(r.code).toBe(0);
    // The flags Chromium needs on a machine with no network and no display (see the machine notes).
    browser = spawn(CHROMIUM, [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${mkdtempSync(join(tmpdir(), 'signals-chromium-'))}`,
      '--remote-debugging-port=0',
      'about:blank',
    ]);
    const url = await new Promise<string>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${err}`)), 20_000);
      browser.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      browser.once('error', reject);
    });
    cdp = await devtools(url);
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (p) => requested.push((p.request as { url: string }).url));
    const loaded = new Promise((resolve) => cdp.on('Page.loadEventFired', resolve));
    await cdp.send('Page.enable');
    await cdp.send('Page.navigate', { url: pathToFileURL(report).href });
    await loaded;
  }, 60_000);

  afterAll(() => {
    cdp?.close();
    browser?.kill('SIGKILL');
  });

  const evaluate = async (expression: string): Promise<unknown> =>
    ((await cdp.send('Runtime.evaluate', { expression, returnByValue: true })).result as { value: unknown }).value;

  it('draws every chart: each SVG is laid out at its size and holds drawn lines', async () => {
    const charts = (await evaluate(
      `[...document.querySelectorAll('svg')].map((s) => ({ label: s.getAttribute('aria-label'), width: s.getBoundingClientRect().width,
        height: s.getBoundingClientRect().height, drawn: [...s.querySelectorAll('path, polyline, line, rect, circle')]
        .filter((e) => { const b = e.getBBox(); return b.width > 0 || b.height > 0; }).length }))`,
    )) as { label: string; width: number; height: number; drawn: number }[];
    expect(charts.map((c) => c.label)).toEqual(['Growth of 1', 'Drawdown', 'Calibration at 21 days', 'NVDA: growth of 1', 'KO: growth of 1']);
    for (const c of charts) {
      expect(c.width, c.label).toBeGreaterThan(100);
      expect(c.height, c.label).toBeGreaterThan(100);
      expect(c.drawn, c.label).toBeGreaterThan(2);
    }
  });

  it('shows its tables, and requests nothing but the page itself', async () => {
    expect(await evaluate(`[...document.querySelectorAll('h2')].map((h) => h.textContent)`)).toContain('Symbols');
    expect(await evaluate(`document.querySelectorAll('table tr').length`)).toBeGreaterThan(10);
    expect(requested).toEqual([pathToFileURL(report).href]);
  });
});
