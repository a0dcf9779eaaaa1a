// `npm run screenshot:web [-- --seconds N] [-- --out FILE]`: the README's picture of the web view, from a real run of `signals serve` on the bundled replay, in a headless Chromium at 1280x800.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, waitFor } from './chromium.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '90' }, out: { type: 'string', default: 'docs/web-view.png' } } });
const seconds = Number(values.seconds);
if (!Number.isInteger(seconds) || seconds < 5 || seconds > 1800) {
  console.error(`screenshot-web: --seconds must be a whole number from 5 to 1800, got "${values.seconds}"`);
  process.exit(2);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stateDir = mkdtempSync(join(tmpdir(), 'signals-screenshot-'));
// The README's command with every setting at its default but the port and the state dir: no SIGNALS_* variable, no config file.
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SIGNALS_'))),
  XDG_CONFIG_HOME: join(stateDir, 'config'),
};
const serve = spawn(process.execPath, ['bin/signals.cjs', 'serve', '--port', '0', '--state-dir', stateDir], {
  env,
  stdio: ['ignore', 'ignore', 'pipe'],
});
const browser = await launchChromium();
try {
  let log = '';
  const page = await new Promise<string>((resolve, reject) => {
    serve.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /"web":"(http:\/\/[^"]+)"/.exec(log);
      if (m) resolve(m[1]!);
    });
    serve.once('exit', () => reject(new Error(`signals serve exited: ${log}`)));
  });
  const { cdp } = browser;
  await cdp.send('Page.enable');
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 800, deviceScaleFactor: 1, mobile: false });
  const loaded = new Promise((resolve) => cdp.on('Page.loadEventFired', resolve));
  await cdp.send('Page.navigate', { url: page });
  await loaded;
  console.log(`${page}: letting the replay run for ${seconds} s`);
  await sleep(seconds * 1000);
  // The symbol whose chart carries the most calls, selected by clicking its row as a person would.
  const rows = (await cdp.evaluate(`[...document.querySelectorAll('#watchlist tbody tr')].map((tr) => tr.dataset.symbol)`)) as string[];
  let best = { symbol: rows[0]!, calls: -1 };
  for (const symbol of rows) {
    await cdp.evaluate(`document.querySelector('#watchlist tr[data-symbol="${symbol}"]').click(); true`);
    await waitFor(cdp, `(document.getElementById('chart').getAttribute('aria-label') ?? '').startsWith('${symbol}:')`, `${symbol}'s chart`);
    await sleep(500);
    const label = (await cdp.evaluate(`document.getElementById('chart').getAttribute('aria-label')`)) as string;
    const m = /(\d+) BUY and (\d+) SELL/.exec(label);
    const calls = m ? Number(m[1]) + Number(m[2]) : 0;
    if (calls > best.calls) best = { symbol, calls };
  }
  await cdp.evaluate(`document.querySelector('#watchlist tr[data-symbol="${best.symbol}"]').click(); true`);
  await sleep(1_000);
  const shot = await cdp.send('Page.captureScreenshot', { format: 'png' });
  writeFileSync(values.out, Buffer.from(shot.data as string, 'base64'));
  console.log(`wrote ${values.out}: ${best.symbol} selected, ${best.calls} calls on its chart`);
} finally {
  await browser.close();
  serve.kill('SIGTERM');
  await new Promise((resolve) => (serve.exitCode === null ? serve.once('exit', resolve) : resolve(undefined)));
  rmSync(stateDir, { recursive: true, force: true });
}
