// `signals analyze --provider yahoo` against a local Yahoo chart server: the same analysis as the bundled data, cached, and --offline.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { spawnCli } from '../helpers/cli.js';
import { startYahoo } from '../helpers/providers.js';

let yahoo: Awaited<ReturnType<typeof startYahoo>> | undefined;
afterEach(async () => {
  await yahoo?.close();
  yahoo = undefined;
});

/** The CLI in the background (this process serves the local Yahoo), to its end. */
async function cli(args: string[], env: Record<string, string>) {
  const p = spawnCli(args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Without what differs by run, and the data's source (compared on its own). */
const strip = (r: AnalyzeResult) => ({ ...r, signal_id: undefined, analysis_id: undefined, timestamp: undefined, data_source: undefined });

describe('signals analyze --provider yahoo', () => {
  it("analyses the provider's history as of --as-of exactly as the same bars bundled; then from the cache, and --offline", async () => {
    yahoo = await startYahoo();
    const env = { SIGNALS_YAHOO_URL: yahoo.url, SIGNALS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'signals-cache-')), FRED_API_KEY: '' };
    const live = await cli(['analyze', 'JPM', '--provider', 'yahoo', '--as-of', '2022-06-15', '--json'], env);
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const bundled = await cli(['analyze', 'JPM', '--as-of', '2022-06-15', '--json'], env);
    const fromYahoo = AnalyzeResult.parse(JSON.parse(live.stdout));
    expect(strip(fromYahoo)).toEqual(strip(AnalyzeResult.parse(JSON.parse(bundled.stdout))));
    expect(fromYahoo).toMatchObject({ symbol: 'JPM', as_of: '2022-06-15T21:00:00.000Z' });
    expect(fromYahoo.data_source).toMatchObject({ source: 'yahoo', last_day: '2022-06-15', stale: true });
    const charts = yahoo.requests.filter((u) => u.pathname.startsWith('/v8/finance/chart/'));
    expect(charts.map((u) => u.pathname).sort()).toEqual(['/v8/finance/chart/JPM', '/v8/finance/chart/SPY']);

    // Fetched once: a second run reads the cache; with Yahoo gone, --offline still answers.
    await cli(['analyze', 'JPM', '--provider', 'yahoo', '--as-of', '2022-06-15', '--json'], env);
    expect(yahoo.requests.filter((u) => u.pathname.startsWith('/v8/finance/chart/'))).toHaveLength(2);
    await yahoo.close();
    yahoo = undefined;
    const offline = await cli(['analyze', 'JPM', '--provider', 'yahoo', '--as-of', '2022-06-15', '--offline', '--json'], env);
    expect(offline.code).toBe(0);
    expect(strip(AnalyzeResult.parse(JSON.parse(offline.stdout)))).toEqual(strip(fromYahoo));
  }, 60_000);

  it('with nothing cached, --offline is a data error (5); an unreachable Yahoo a provider error (17)', async () => {
    const env = { SIGNALS_YAHOO_URL: 'http://127.0.0.1:9', SIGNALS_CACHE_DIR: mkdtempSync(join(tmpdir(), 'signals-cache-')), FRED_API_KEY: '' };
    const offline = await cli(['analyze', 'AAPL', '--provider', 'yahoo', '--offline'], env);
    expect(offline.code).toBe(5);
    expect(offline.stderr).toMatch(/not in the cache .* --offline/);
    const down = await cli(['analyze', 'AAPL', '--provider', 'yahoo'], env);
    expect(down.code).toBe(17);
    expect(down.stderr).toMatch(/yahoo is unreachable at http:\/\/127\.0\.0\.1:9/);
  }, 60_000);

  it('a date in the future is DATE_OUT_OF_RANGE (4)', async () => {
    const r = await cli(['analyze', 'AAPL', '--provider', 'yahoo', '--as-of', '2999-01-04'], { SIGNALS_YAHOO_URL: 'http://127.0.0.1:9' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/in the future/);
  });
});
