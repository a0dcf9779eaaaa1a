// `signals backtest --csv` and `--report` as a real process: one CSV row per step that is exactly what `analyze --as-of` says, and
// a report page that needs nothing from the network.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const AGENT_IDS = ['technical', 'momentum', 'volatility', 'economic', 'sentiment'];

describe('signals backtest --csv --report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'signals-bt-files-'));
  const csvFile = join(dir, 'steps.csv');
  const reportFile = join(dir, 'report.html');
  let code: number | null;
  let stdout = '';
  let rows: Record<string, string>[] = [];
  let header: string[] = [];
  beforeAll(() => {
    const r = run([
      'backtest',
      'NVDA',
      'KO',
      '--from',
      '2022-05-02',
      '--to',
      '2022-08-31',
      '--every',
      '2',
      '--horizon',
      '5,21',
      '--csv',
      csvFile,
      '--report',
      reportFile,
    ]);
    code = r.code;
    stdout = r.stdout;
    const lines = readFileSync(csvFile, 'utf8').trimEnd().split('\n');
    header = lines[0]!.split(',');
    rows = lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((v, i) => [header[i]!, v])));
  }, 60_000);

  it('prints the summary and writes one CSV row per step, with the documented columns', () => {
    expect(code).toBe(0);
    expect(stdout).toMatch(/^2 symbols, 2022-05-02 to 2022-08-31, \d+ analyses \(every 2 trading days\)/);
    // The evidence at the window's end: one line for the consensus and one per agent, each ending in its verdict.
    expect(stdout).toMatch(/\nevidence as of 2022-08-3\d \(bundled \(29 stocks\), 21 days/);
    for (const id of ['consensus', 'technical', 'momentum', 'volatility', 'economic']) expect(stdout).toMatch(new RegExp(`\\n${id} .*edge: `));
    expect(stdout).toMatch(/\nregime over \d+ step days/);
    expect(stdout).toMatch(/\ntrend +(up|down) \d/);
    expect(header).toEqual([
      'date',
      'symbol',
      'action',
      'confidence',
      'score',
      'price',
      'position',
      'next_open',
      'fwd_5',
      'fwd_21',
      ...AGENT_IDS.flatMap((id) => [`${id}_signal`, `${id}_confidence`]),
    ]);
    expect(
      rows
        .filter((r) => r.symbol === 'NVDA')
        .map((r) => r.date)
        .slice(0, 3),
    ).toEqual(['2022-05-02', '2022-05-04', '2022-05-06']);
    for (const r of rows) {
      expect(['BUY', 'SELL', 'HOLD', 'NO_SIGNAL']).toContain(r.action);
      const expected = r.action === 'BUY' ? Number(r.confidence) : r.action === 'SELL' ? -Number(r.confidence) : 0;
      expect(Number(r.score)).toBe(expected);
      expect(r.position).toBe(r.action === 'BUY' ? '1' : '0');
    }
  });

  it('each row is what `signals analyze SYMBOL --as-of DATE` says for that day', () => {
    const picks = [rows.find((r) => r.action !== 'NO_SIGNAL') ?? rows[0]!, rows.find((r) => r.symbol === 'KO')!, rows.at(-1)!];
    for (const row of picks) {
      const a = JSON.parse(run(['analyze', row.symbol!, '--as-of', row.date!, '--json']).stdout);
      expect(a.action, `${row.symbol} ${row.date}`).toBe(row.action);
      expect(a.price).toBe(Number(row.price));
      if (a.action !== 'NO_SIGNAL') expect(a.confidence).toBe(Number(row.confidence));
      for (const id of AGENT_IDS) {
        expect(a.agents_consensus.agent_details[id].signal).toBe(row[`${id}_signal`]);
        expect(a.agents_consensus.agent_details[id].confidence).toBe(Number(row[`${id}_confidence`]));
      }
    }
  });

  it('the report is one page with the equity curves and tables inline, and no address to fetch anything from', () => {
    const html = readFileSync(reportFile, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(html.match(/<svg /g)!.length).toBeGreaterThanOrEqual(5);
    expect(html).toContain('data-symbol="NVDA"');
    expect(html).toContain('data-symbol="KO"');
    expect(html).toMatch(/<polyline [^>]*points="[\d.]+,[\d.]+ /);
    expect(html).toContain('Calibration at 21 days');
    expect(html.match(/<svg /g)!.length).toBe(html.match(/<\/svg>/g)!.length);
    for (const id of AGENT_IDS) expect(html).toContain(`<td>${id} (`);
    expect(html).toContain("<h2>Evidence at the window's end</h2>");
    expect(html).toMatch(/<td>consensus<\/td>(<td class="n">[^<]*<\/td>){7}<td>edge: /);
    expect(html).toContain('<h2>Market regime</h2>');
    expect(html).toMatch(/<td>recession<\/td><td>(clear|triggered) /);
  });
});
