// The web view in a real headless Chromium against a real `signals serve` on the bundled replay: it draws, updates live, recovers across a restart, keeps to its origin and to its token.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryClient } from '../../src/client/history.js';
import { BARS_SHOWN } from '../../src/web/candles.js';
import { launchChromium, waitFor, type Browser, type Cdp } from '../../scripts/chromium.js';
import { spawnServe } from '../helpers/cli.js';
import { TestClient } from '../helpers/server.js';

type Server = ReturnType<typeof spawnServe>;

/** What the page asked the network for, and what it reported as an error. */
interface Watched {
  requests: string[];
  errors: string[];
}

async function openPage(cdp: Cdp, url: string, viewport = { width: 1280, height: 800, mobile: false }): Promise<Watched> {
  const watched: Watched = { requests: [], errors: [] };
  cdp.on('Network.requestWillBeSent', (p) => watched.requests.push((p.request as { url: string }).url));
  cdp.on('Network.webSocketCreated', (p) => watched.requests.push(p.url as string));
  cdp.on('Runtime.consoleAPICalled', (p) => {
    if (p.type === 'error' || p.type === 'assert') watched.errors.push(JSON.stringify(p.args).slice(0, 300));
  });
  cdp.on('Runtime.exceptionThrown', (p) => watched.errors.push(JSON.stringify(p.exceptionDetails).slice(0, 300)));
  cdp.on('Log.entryAdded', (p) => {
    const entry = p.entry as { level: string; text: string; url?: string };
    if (entry.level === 'error') watched.errors.push(`${entry.text} ${entry.url ?? ''}`);
  });
  await Promise.all(['Network.enable', 'Runtime.enable', 'Log.enable', 'Page.enable'].map((m) => cdp.send(m)));
  await cdp.send('Emulation.setDeviceMetricsOverride', { ...viewport, deviceScaleFactor: 1 });
  const loaded = new Promise((resolve) => cdp.on('Page.loadEventFired', resolve));
  await cdp.send('Page.navigate', { url });
  await loaded;
  return watched;
}

const origin = async (server: Server) => (await server.url).replace(/^ws:\/\/([^/]+)\/.*$/, 'http://$1');
const port = async (server: Server) => Number(new URL(await server.url).port);

/** The rows of the watchlist as the page shows them. */
const ROWS = `[...document.querySelectorAll('#watchlist tbody tr')].map((tr) => ({ symbol: tr.dataset.symbol,
  selected: tr.getAttribute('aria-selected') === 'true', cells: [...tr.cells].map((td) => td.textContent) }))`;
/** The chart's summary: `AAPL: 161 candles from 2024-11-01 to 2025-06-24 (close 201.50), 2 BUY and 1 SELL calls marked; ...`. */
const CHART = `document.getElementById('chart').getAttribute('aria-label') ?? ''`;
const span = (label: string) => {
  const m = /: (\d+) candles from (\S+) to (\S+) \(close ([\d.]+)\)/.exec(label);
  return m ? { candles: Number(m[1]), from: m[2]!, to: m[3]!, close: m[4]! } : undefined;
};
const marked = (label: string) => {
  const m = /(\d+) BUY and (\d+) SELL calls marked/.exec(label);
  return m ? Number(m[1]) + Number(m[2]) : 0;
};

async function key(cdp: Cdp, key: string, code = key): Promise<void> {
  const keyCode = { ArrowDown: 40, ArrowUp: 38, Enter: 13, Escape: 27, '/': 191 }[key] ?? 0;
  const text = key === '/' ? '/' : key === 'Enter' ? '\r' : undefined;
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyDown', key, code, windowsVirtualKeyCode: keyCode, ...(text ? { text } : {}) });
  await cdp.send('Input.dispatchKeyEvent', { type: 'keyUp', key, code, windowsVirtualKeyCode: keyCode });
}

describe('the web view against signals serve on the bundled replay', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'signals-web-state-'));
  let server: Server;
  /** The server while the page cannot reach it (the recovery test). */
  let away: Server | undefined;
  let browser: Browser;
  let cdp: Cdp;
  let watched: Watched;
  let page: string;

  beforeAll(async () => {
    server = spawnServe(['--state-dir', stateDir]);
    page = `${await origin(server)}/`;
    browser = await launchChromium();
    cdp = browser.cdp;
    watched = await openPage(cdp, page);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGKILL');
    away?.child.kill('SIGKILL');
  });

  /** Stops the server the page uses and waits for the page to say so; resolves with the port to come back on. */
  async function stopServer(): Promise<number> {
    const same = await port(server);
    server.child.kill('SIGTERM');
    await server.exited;
    await waitFor(cdp, `document.getElementById('link').textContent.startsWith('disconnected')`, 'the page to show it is disconnected');
    return same;
  }

  /**
   * Stops the server the page could not reach and starts one on `same` (the same state dir), until the page is
   * connected again; resolves with the WebSocket frames the page receives from then on.
   */
  async function backOnPort(same: number): Promise<string[]> {
    away!.child.kill('SIGTERM');
    await away!.exited;
    const frames: string[] = [];
    cdp.on('Network.webSocketFrameReceived', (p) => frames.push((p.response as { payloadData: string }).payloadData));
    server = spawnServe(['--port', String(same), '--state-dir', stateDir]);
    await server.url;
    await waitFor(cdp, `document.getElementById('link').textContent === 'connected'`, 'the page to reconnect', 30_000);
    return frames;
  }

  it('loads with no console error and fills the watchlist with prices and calls', async () => {
    await waitFor(cdp, `${ROWS}.length > 0 && ${ROWS}.every((r) => /\\d/.test(r.cells[1]))`, 'a price in every row');
    await waitFor(cdp, `${ROWS}.some((r) => /BUY|SELL|HOLD|NO SIGNAL/.test(r.cells[3]))`, 'a call in the watchlist');
    expect(await cdp.evaluate(`document.getElementById('link').textContent`)).toBe('connected');
    expect(await cdp.evaluate(`document.getElementById('feed').textContent`)).toMatch(/^replay running · market /);
    expect(watched.errors).toEqual([]);
  });

  it('draws the chart with at least one BUY or SELL marker; arrows and Enter move through the symbols', async () => {
    const rows = (await cdp.evaluate(ROWS)) as { symbol: string; selected: boolean }[];
    expect(rows.find((r) => r.selected)?.symbol).toBe(rows[0]!.symbol);
    // Down the list until a symbol with a call on its chart (the replay publishes them within seconds).
    const deadline = Date.now() + 60_000;
    let label = '';
    for (let i = 0; Date.now() < deadline; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      label = (await cdp.evaluate(CHART)) as string;
      if (marked(label) > 0) break;
      await key(cdp, i % (2 * rows.length) < rows.length ? 'ArrowDown' : 'ArrowUp');
    }
    expect(marked(label), label).toBeGreaterThan(0);
    const selected = ((await cdp.evaluate(ROWS)) as { symbol: string; selected: boolean }[]).find((r) => r.selected)!.symbol;
    expect(label.startsWith(`${selected}: `)).toBe(true);
    // The candles are the symbol's daily bars from the server (then the sessions the page saw trade), not prices it saw.
    const drawn = span(label)!;
    const { bars } = await new HistoryClient({ url: await server.url }).bars(selected, { limit: 1000 });
    expect(drawn.candles).toBeGreaterThanOrEqual(BARS_SHOWN);
    expect(bars.map((b) => b.date)).toContain(drawn.from);
    expect(drawn.to >= bars.at(-1)!.date || bars.some((b) => b.date === drawn.to)).toBe(true);
    expect(await cdp.evaluate(`document.getElementById('chart').querySelectorAll('canvas').length`)).toBeGreaterThan(2);
    await key(cdp, 'Enter');
    expect(await cdp.evaluate(`document.activeElement.id`)).toBe('detail');
    expect(await cdp.evaluate(`document.querySelector('#detail h2').textContent`)).toContain(selected);
    expect(await cdp.evaluate(`document.querySelector('#detail').textContent`)).toMatch(/Agents.*Market regime/s);
  });

  it('updates live: prices move, the last candle moves with them, and each new session adds a candle', async () => {
    const before = JSON.stringify(((await cdp.evaluate(ROWS)) as { cells: string[] }[]).map((r) => r.cells[1]));
    const first = span((await cdp.evaluate(CHART)) as string)!;
    await waitFor(cdp, `JSON.stringify(${ROWS}.map((r) => r.cells[1])) !== ${JSON.stringify(before)}`, 'a price to change', 20_000);
    await waitFor(cdp, `!(${CHART}).includes(${JSON.stringify(`(close ${first.close})`)})`, 'the last candle to move', 20_000);
    // The replay plays a session a minute: the next one starts a candle of its own.
    await waitFor(
      cdp,
      `(${CHART}).includes(' to ') && !(${CHART}).includes(${JSON.stringify(` to ${first.to} `)})`,
      'a new session’s candle',
      90_000,
    );
    const next = span((await cdp.evaluate(CHART)) as string)!;
    expect(next.to > first.to).toBe(true);
    expect(next.candles).toBeGreaterThan(first.candles);
  }, 120_000);

  it('filters with /, and keeps everything on screen at 1280x800', async () => {
    await key(cdp, '/');
    expect(await cdp.evaluate(`document.activeElement.id`)).toBe('filter');
    await cdp.send('Input.insertText', { text: 'ms' });
    await waitFor(cdp, `${ROWS}.length === 1 && ${ROWS}[0].symbol === 'MSFT' && ${ROWS}[0].selected`, 'MSFT alone, selected');
    await key(cdp, 'Escape');
    await waitFor(cdp, `${ROWS}.length > 1`, 'every row back');
    const layout = (await cdp.evaluate(`({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight })`)) as {
      width: number;
      height: number;
    };
    expect(layout.width).toBeLessThanOrEqual(1280);
    expect(layout.height).toBeLessThanOrEqual(800);
  });

  it('fits a 390 px wide phone: no sideways scrolling, the table and the chart full width', async () => {
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 390, height: 844, deviceScaleFactor: 1, mobile: true });
    await waitFor(cdp, `document.getElementById('chart').getBoundingClientRect().width <= 390`, 'the chart to fit');
    const sizes = (await cdp.evaluate(`({ page: document.documentElement.scrollWidth,
      table: document.getElementById('watchlist').getBoundingClientRect().width,
      chart: document.getElementById('chart').getBoundingClientRect().width })`)) as Record<string, number>;
    expect(sizes.page).toBeLessThanOrEqual(390);
    expect(sizes.table).toBeGreaterThan(300);
    expect(sizes.chart).toBeGreaterThan(300);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
  });

  it('recovers after the server restarts on the same state dir: what was published while it was away arrives, without a gap', async () => {
    const symbol = ((await cdp.evaluate(ROWS)) as { symbol: string; selected: boolean }[]).find((r) => r.selected)!.symbol;
    const held = () =>
      cdp.evaluate(`/#(\\d+)–#(\\d+)/.exec(document.getElementById('coverage').textContent).slice(1).map(Number)`) as Promise<number[]>;
    const [first, before] = (await held()) as [number, number];
    const same = await stopServer();
    // Meanwhile the server runs on the same state dir where the page cannot reach it (another port), and publishes on the
    // symbol: only `since` can bring that back to the page.
    away = spawnServe(['--state-dir', stateDir]);
    const history = new HistoryClient({ url: await away.url });
    let missed = before;
    for (const deadline = Date.now() + 30_000; missed <= before && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      for (let since = before; ;) {
        const p = await history.page(symbol, { sinceSeq: since, limit: 1000 });
        missed = p.items.at(-1)?.data.seq ?? missed;
        if (p.next_seq === undefined) break;
        since = p.next_seq;
      }
    }
    expect(missed, 'a publication while the page was away').toBeGreaterThan(before);
    const frames = await backOnPort(same);
    await waitFor(cdp, `/–#(\\d+)/.exec(document.getElementById('coverage').textContent)[1] >= ${missed}`, `the page to hold #${missed}`, 30_000);
    const [after0] = await held();
    expect(after0).toBe(first);
    const acks = frames.map((f) => JSON.parse(f)).filter((m) => m.type === 'subscribed' && m.symbol === symbol);
    expect(acks.map((m) => m.recovered)).toEqual([true]);
    expect(await cdp.evaluate(`document.getElementById('coverage').textContent`)).toMatch(/none missing/);
    expect(await cdp.evaluate(`document.getElementById('notice').hidden`)).toBe(true);
  }, 120_000);

  it('after a restart into a new log epoch (its newest segment lost), drops what it held and reads the history again', async () => {
    const symbol = ((await cdp.evaluate(ROWS)) as { symbol: string; selected: boolean }[]).find((r) => r.selected)!.symbol;
    const coverage = () => cdp.evaluate(`document.getElementById('coverage')?.textContent ?? ''`) as Promise<string>;
    const oldEpoch = /of log (\w+)/.exec(await coverage())![1]!;
    const same = await stopServer();
    // The symbol's newest segment is gone, as after a power loss: the log takes a new epoch rather than hand its seqs out again.
    const dir = join(stateDir, 'log', symbol);
    for (const segment of readdirSync(dir).filter((f) => f.endsWith('.seg'))) rmSync(join(dir, segment));
    // Away from the page, the server publishes at least two on the symbol in the new epoch (asked for one, if need be):
    // a snapshot alone would bring the page one.
    away = spawnServe(['--state-dir', stateDir]);
    const history = new HistoryClient({ url: await away.url });
    const asker = await TestClient.connect(await away.url);
    let page = await history.page(symbol, { sinceSeq: 0, limit: 1000 });
    for (const deadline = Date.now() + 30_000; page.items.length < 2 && Date.now() < deadline;) {
      if (page.items.length === 1) asker.send({ type: 'analyze', symbol });
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      page = await history.page(symbol, { sinceSeq: 0, limit: 1000 });
    }
    asker.ws.close();
    expect(page.items.length, 'publications in the new epoch').toBeGreaterThanOrEqual(2);
    expect(page.epoch.startsWith(oldEpoch)).toBe(false);
    const [first, last] = [page.items[0]!.data.seq!, page.items.at(-1)!.data.seq!];
    const frames = await backOnPort(same);
    const held = `/Received #(\\d+)–#(\\d+) of log (\\w+)/.exec(document.getElementById('coverage')?.textContent ?? '')`;
    await waitFor(
      cdp,
      `${held} && ${held}[3] === ${JSON.stringify(page.epoch.slice(0, 8))} && Number(${held}[1]) === ${first} && Number(${held}[2]) >= ${last}`,
      `the page to hold #${first}–#${last} of the new log`,
      30_000,
    );
    expect(await coverage()).toMatch(/none missing/);
    const acks = frames.map((f) => JSON.parse(f)).filter((m) => m.type === 'subscribed' && m.symbol === symbol);
    expect(acks.map((m) => [m.recovered, m.epoch])).toEqual([[false, page.epoch]]);
    // The epoch is the whole log's: every symbol's cursor is of the old one, and the page says so.
    expect(await cdp.evaluate(`document.getElementById('notice').textContent`)).toMatch(/: publications missed .*signal log is another one/);
    // Nothing of the old log is left: the page holds no seq beyond the new log's head.
    const heldLast = Number(/–#(\d+)/.exec(await coverage())![1]);
    const head = (await new HistoryClient({ url: await server.url }).page(symbol, { sinceSeq: heldLast - 1, limit: 1000 })).items.at(-1)?.data.seq;
    expect(head).toBeGreaterThanOrEqual(heldLast);
  }, 120_000);

  it('asks nothing of any other origin, and weighs under 300 KB gzipped', async () => {
    const here = new URL(page);
    const elsewhere = watched.requests.filter((u) => !u.startsWith(`${here.origin}/`) && !u.startsWith(`ws://${here.host}/`));
    expect(elsewhere).toEqual([]);
    expect(watched.requests.some((u) => u.startsWith(`ws://${here.host}/ws/signals`))).toBe(true);
    expect(watched.requests.some((u) => u.startsWith(`${here.origin}/api/v1/signals/`))).toBe(true);
    expect(watched.requests.some((u) => u.startsWith(`${here.origin}/api/v1/bars/`))).toBe(true);
    // The page and every asset it names, as a browser that accepts gzip is sent them.
    const html = await (await fetch(page)).text();
    const assets = [...html.matchAll(/(?:src|href)="(assets\/[^"]+)"/g)].map((m) => m[1]!).filter((a) => !a.endsWith('.txt'));
    expect(assets).toEqual(expect.arrayContaining(['assets/main.js', 'assets/style.css']));
    let bytes = 0;
    for (const path of ['', ...assets]) {
      const response = await fetch(new URL(path, page), { headers: { 'accept-encoding': 'gzip' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
      // fetch decodes the body; Content-Length is what crossed the wire.
      bytes += Number(response.headers.get('content-length'));
      await response.arrayBuffer();
    }
    console.log(`the web view: ${(bytes / 1024).toFixed(1)} KB gzipped (the page and ${assets.join(', ')})`);
    expect(bytes).toBeLessThanOrEqual(300 * 1024);
  });
});

describe('the web view with authentication on', () => {
  const TOKEN = 'web-view-secret-token';
  let server: Server;
  let browser: Browser;
  let cdp: Cdp;
  let watched: Watched;

  beforeAll(async () => {
    server = spawnServe(['--token', TOKEN]);
    browser = await launchChromium();
    cdp = browser.cdp;
    watched = await openPage(cdp, `${await origin(server)}/`);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.child.kill('SIGKILL');
  });

  it('shows no data without the token, refuses a wrong one, and loads once given the right one, which never enters a URL', async () => {
    await waitFor(cdp, `!document.getElementById('login').hidden`, 'the token form');
    expect(await cdp.evaluate(`document.getElementById('app').hidden`)).toBe(true);
    expect(await cdp.evaluate(`document.querySelectorAll('#watchlist tbody tr').length`)).toBe(0);
    expect(watched.requests.filter((u) => u.includes('/api/'))).toEqual([]);
    const submit = (token: string) =>
      cdp.evaluate(`document.getElementById('token').value = ${JSON.stringify(token)}; document.getElementById('login').requestSubmit(); true`);
    await submit('wrong-token');
    await waitFor(cdp, `/refused the token/.test(document.getElementById('login-error').textContent)`, 'the refusal');
    expect(await cdp.evaluate(`document.querySelectorAll('#watchlist tbody tr').length`)).toBe(0);
    await submit(TOKEN);
    await waitFor(cdp, `[...document.querySelectorAll('#watchlist tbody tr')].some((tr) => /\\d/.test(tr.cells[1].textContent))`, 'prices');
    await waitFor(cdp, `document.getElementById('coverage') !== null`, 'the history of the selected symbol');
    expect(await cdp.evaluate(`sessionStorage.getItem('signals.token')`)).toBe(TOKEN);
    expect(watched.requests.filter((u) => u.includes(TOKEN) || u.includes('wrong-token'))).toEqual([]);
    expect(watched.errors).toEqual([]);
  });
});
