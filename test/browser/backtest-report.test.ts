// The backtest's HTML report in a real headless Chromium (over the DevTools protocol): its charts draw, and it asks the network for nothing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type Browser, type Cdp } from '../../scripts/chromium.js';
import { run } from '../helpers/cli.js';

describe('the backtest report in a headless browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signals-bt-browser-'));
  const report = join(dir, 'report.html');
  let browser: Browser;
  let cdp: Cdp;
  const requested: string[] = [];

  beforeAll(async () => {
    const r = run(['backtest', 'NVDA', 'KO', '--from', '2022-05-02', '--to', '2022-08-31', '--every', '2', '--report', report]);
    expect(r.code).toBe(0);
    browser = await launchChromium();
    cdp = browser.cdp;
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (p) => requested.push((p.request as { url: string }).url));
    const loaded = new Promise((resolve) => cdp.on('Page.loadEventFired', resolve));
    await cdp.send('Page.enable');
    // A laptop's window: the width the report's charts were measured against in issue 23.
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
    await cdp.send('Page.navigate', { url: pathToFileURL(report).href });
    await loaded;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  const evaluate = (expression: string) => cdp.evaluate(expression);

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

  it("uses the page's width for the portfolio's charts, and labels their time axis with the window's months", async () => {
    const page = (await evaluate(`document.body.getBoundingClientRect().width`)) as number;
    const charts = (await evaluate(
      `[...document.querySelectorAll('svg[aria-label="Growth of 1"], svg[aria-label="Drawdown"]')].map((s) => ({
        width: s.getBoundingClientRect().width,
        labels: [...s.querySelectorAll('text')].map((t) => t.textContent).filter((t) => /^[A-Z][a-z]{2}( \\d{4})?$|^\\d{4}$/.test(t)) }))`,
    )) as { width: number; labels: string[] }[];
    expect(charts).toHaveLength(2);
    for (const c of charts) {
      // The body's content box: all of it but its 16 px of padding on each side.
      expect(c.width).toBeGreaterThanOrEqual(page - 32 - 1);
      expect(c.labels).toEqual(['Jun 2022', 'Jul', 'Aug']);
    }
  });

  it('says its prices are adjusted ones, not those traded', async () => {
    expect(await evaluate(`document.body.textContent`)).toMatch(/Prices: the bundled daily bars, split- and dividend-adjusted/);
  });

  it('shows its tables, and requests nothing but the page itself', async () => {
    expect(await evaluate(`[...document.querySelectorAll('h2')].map((h) => h.textContent)`)).toContain('Symbols');
    expect(await evaluate(`document.querySelectorAll('table tr').length`)).toBeGreaterThan(10);
    expect(requested).toEqual([pathToFileURL(report).href]);
  });
});
