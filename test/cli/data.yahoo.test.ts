// `signals data`: the universe's bars from a local server speaking Yahoo's chart format, cached, then read with --data-dir.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataProgressLine } from '../../src/cli/data.js';
import { run, spawnCli } from '../helpers/cli.js';

const notFound = readFileSync(new URL('../fixtures/providers/yahoo-chart-not-found.json', import.meta.url), 'utf8');
/** Lehman's last two weeks as the server's only symbol with bars (prices made up; the wire format is Yahoo's). */
const LEHMAN = ['2008-09-08', '2008-09-09', '2008-09-10', '2008-09-11', '2008-09-12', '2008-09-15', '2008-09-16'];

const requests: string[] = [];
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const symbol = decodeURIComponent(url.pathname.replace('/v8/finance/chart/', ''));
  requests.push(symbol);
  res.setHeader('content-type', 'application/json');
  if (symbol !== 'LEHMQ') {
    res.statusCode = 404;
    res.end(notFound);
    return;
  }
  const close = LEHMAN.map((_, i) => 14 - i * 2);
  res.end(
    JSON.stringify({
      chart: {
        result: [
          {
            meta: { currency: 'USD', symbol, exchangeTimezoneName: 'America/New_York', gmtoffset: -14400, dataGranularity: '1d' },
            timestamp: LEHMAN.map((d) => Date.parse(`${d}T13:30:00Z`) / 1000),
            indicators: {
              quote: [{ open: close, high: close.map((c) => c + 1), low: close.map((c) => c - 1), close, volume: close.map(() => 1e8) }],
              adjclose: [{ adjclose: close }],
            },
          },
        ],
        error: null,
      },
    }),
  );
});
let yahooUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  yahooUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('signals data', () => {
  const out = mkdtempSync(join(tmpdir(), 'signals-data-'));
  const cache = mkdtempSync(join(tmpdir(), 'signals-data-cache-'));
  const args = () => ['data', '--from', '2008-09-08', '--to', '2008-09-16', '--out', out, '--cache-dir', cache, '--yahoo-url', yahooUrl];

  it('fetches every member of the span, writes them packed, and names those without prices', async () => {
    const cli = spawnCli(args());
    const code = await cli.exited;
    expect(cli.stderr()).toBe('');
    expect(code).toBe(0);
    expect(requests).toContain('LEHMQ');
    expect(requests.length).toBeGreaterThanOrEqual(490);
    expect(cli.stdout()).toMatch(/^sp500: 1 of 500 members of 2008-09-08\.\.2008-09-16 fetched; no prices for 499: A .*\bAAPL\b/);
    expect(cli.stdout()).toContain(`wrote ${join(out, 'universe', 'sp500-daily.bin')}`);
    // stderr is no terminal here: no progress bar drawn into it.
    expect(cli.stderr()).toBe('');
  });

  it('--data-dir then serves what it fetched, the bundled bars beside it', () => {
    const list = JSON.parse(run(['symbols', '--universe', 'sp500', '--as-of', '2008-09-15', '--data-dir', out, '--json']).stdout) as {
      symbol: string;
      first: string | null;
      source: string;
    }[];
    expect(list.find((r) => r.symbol === 'LEHMQ')).toMatchObject({ first: '2008-09-08', source: 'data-dir' });
    expect(list.find((r) => r.symbol === 'LOW')).toMatchObject({ first: '2005-10-10', source: 'bundled' });
  });

  it('asks nothing the second time: answers, "no such symbol" too, come from the cache', async () => {
    requests.length = 0;
    const cli = spawnCli(args());
    expect(await cli.exited).toBe(0);
    expect(requests).toEqual([]);
  });

  it('draws progress as a bar of symbols done', () => {
    expect(dataProgressLine(250, 1000, 'LOW', 20)).toBe('[#####---------------] 250/1,000 symbols  25%  LOW');
  });
});
