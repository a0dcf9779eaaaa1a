// `signals history` as a real process: from a state dir's signal log and from a running server, every output format, its errors.
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SegmentLog } from '../../src/log/segment-log.js';
import type { Publication } from '../../src/log/signal-log.js';
import { ServerMessage } from '../../src/protocol/messages.js';
import { run, spawnServe } from '../helpers/cli.js';

const DAY = 86_400_000;
/** The seeded publications: KO every 20 minutes for about 21 days from a month ago (inside the default retention of 90 days). */
const KO_COUNT = 1_500;
const STEP = 20 * 60_000;
const start = Math.floor(Date.now() / DAY) * DAY - 30 * DAY;
const day = (n: number) => new Date(start + n * DAY).toISOString().slice(0, 10);
const REASON = 'consensus weight 0.41, "under" the 0.6 gate';
/** The publications are of a replay: the market time they saw (`as_of`) is 500 days before they were logged. */
const REPLAY_LAG = 500 * DAY;

function publication(symbol: string, i: number, time: number): Publication {
  const timestamp = new Date(time).toISOString();
  const asOf = new Date(time - REPLAY_LAG).toISOString();
  if (i % 10 === 0) {
    return {
      type: 'signal_update',
      data: {
        symbol,
        signal_id: `s${i}`,
        action: 'BUY',
        confidence: 0.8125,
        price: 61.5,
        agents_consensus: { total_agents: 5, completed_agents: 5, consensus_strength: 'STRONG', agent_details: {} },
        timestamp,
        metadata: { reasoning: [`BUY: 4 of 5 agents agree (${i})`], indicators: {}, target_price: 64, stop_loss: 59 },
        as_of: asOf,
        trigger: 'price_move',
      },
    };
  }
  if (i === 7) {
    return {
      type: 'decision_update',
      data: { symbol, decision: { action: 'ERROR', error: 'agents failed', code: 'ANALYSIS_FAILED' }, timestamp, trigger: 'manual' },
    };
  }
  return {
    type: 'decision_update',
    data: {
      symbol,
      decision: { action: 'NO_SIGNAL', reason: REASON, agent_summary: {} },
      timestamp,
      price: 60.25,
      as_of: asOf,
      trigger: 'price_move',
    },
  };
}

/** A state dir holding KO 1..1500 and JPM 1..3, each logged at the time it says. */
async function seededStateDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'signals-history-'));
  let now = start;
  const log = SegmentLog.open({ dir, now: () => now });
  for (let i = 1; i <= KO_COUNT; i++) {
    now = start + (i - 1) * STEP;
    await log.append('KO', publication('KO', i, now));
  }
  for (let i = 1; i <= 3; i++) {
    now = start + i * DAY;
    await log.append('JPM', publication('JPM', i, now));
  }
  await log.close();
  return dir;
}

const history = (args: string[], env: Record<string, string> = {}) => run(['history', ...args], env);
const jsonl = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => ServerMessage.parse(JSON.parse(l)) as Publication);
const seqs = (stdout: string) => jsonl(stdout).map((p) => p.data.seq);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

let dir: string;
beforeAll(async () => {
  dir = await seededStateDir();
});

describe('signals history from a state dir', () => {
  it('prints a table by default: market time (of a replay: the replayed day), logged time, seq, action, confidence, price, trigger, reason', () => {
    const r = history(['KO', '--state-dir', dir, '--last', '3']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SYMBOL\s+MARKET TIME\s+LOGGED\s+SEQ\s+ACTION\s+CONF\s+PRICE\s+TRIGGER\s+REASON$/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('replay: MARKET TIME up to 500 days before LOGGED (past market data replayed, not the market of the day logged)');
    const logged = new Date(start + (KO_COUNT - 1) * STEP).toISOString();
    const market = new Date(start + (KO_COUNT - 1) * STEP - REPLAY_LAG).toISOString();
    const short = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
    expect(lines[3]).toBe(`KO      ${short(market)}  ${short(logged)}  1500  BUY        0.81  61.50  price_move  BUY: 4 of 5 agents agree (1500)`);
    expect(lines[2]).toMatch(/^KO\s+\S+ \S+Z\s+\S+ \S+Z\s+1499\s+NO_SIGNAL\s+60\.25\s+price_move\s+consensus weight 0\.41, "under" the 0\.6 gate$/);
  });

  it('--jsonl: one publication per line as it was sent, in seq order; --json: the same as one array', () => {
    const lines = history(['KO', '--state-dir', dir, '--jsonl']);
    expect(lines.code).toBe(0);
    expect(seqs(lines.stdout)).toEqual(range(1, KO_COUNT));
    const array = history(['KO', 'JPM', '--state-dir', dir, '--json', '--last', '2']);
    expect(array.code).toBe(0);
    const parsed = JSON.parse(array.stdout) as Publication[];
    expect(parsed.map((p) => `${p.data.symbol} ${p.data.seq}`)).toEqual(['KO 1499', 'KO 1500', 'JPM 2', 'JPM 3']);
    expect(parsed[1]).toEqual(jsonl(lines.stdout).at(-1));
  });

  it('--csv: a header, then one row per publication; commas and quotes quoted as RFC 4180 says', () => {
    const r = history(['KO', '--state-dir', dir, '--csv', '--from', day(0), '--to', day(0)]);
    expect(r.code).toBe(0);
    const rows = parse<Record<string, string>>(r.stdout, { columns: true });
    expect(Object.keys(rows[0]!)).toEqual(['symbol', 'seq', 'epoch', 'time', 'as_of', 'action', 'confidence', 'price', 'trigger', 'reason']);
    // 72 publications a day (one every 20 minutes).
    expect(rows.map((row) => Number(row.seq))).toEqual(range(1, 72));
    expect(rows[0]).toMatchObject({ symbol: 'KO', action: 'NO_SIGNAL', confidence: '', price: '60.25', reason: REASON });
    expect(rows[6]).toMatchObject({ action: 'ERROR', reason: 'agents failed', price: '', as_of: '', trigger: 'manual' });
    expect(rows[9]).toMatchObject({ action: 'BUY', confidence: '0.8125', price: '61.5' });
  });

  it('--from and --to select by when a publication was logged: a day counts in full, a time is exact; --last takes the newest of those', () => {
    expect(seqs(history(['KO', '--state-dir', dir, '--jsonl', '--from', day(10), '--to', day(10)]).stdout)).toEqual(range(721, 792));
    expect(seqs(history(['KO', '--state-dir', dir, '--jsonl', '--from', `${day(10)}T06:00:00Z`, '--to', `${day(10)}T07:00:00Z`]).stdout)).toEqual(
      range(739, 741),
    );
    expect(seqs(history(['KO', '--state-dir', dir, '--jsonl', '--from', day(10), '--to', day(10), '--last', '4']).stdout)).toEqual(range(789, 792));
    expect(seqs(history(['KO', '--state-dir', dir, '--jsonl', '--last', '5']).stdout)).toEqual(range(1496, 1500));
    expect(seqs(history(['KO', '--state-dir', dir, '--jsonl', '--to', day(0), '--last', '2000']).stdout)).toEqual(range(1, 72));
    const none = history(['KO', '--state-dir', dir, '--from', day(40)]);
    expect(none).toMatchObject({ code: 0, stdout: 'no publications of KO in that time range\n' });
  });

  it('a symbol that could be analysed but was never published has no publications; the state dir is left as it was', () => {
    const before = readdirSync(dir).sort();
    expect(history(['AAPL', '--state-dir', dir])).toMatchObject({ code: 0, stdout: 'no publications of AAPL\n' });
    expect(readdirSync(dir).sort()).toEqual(before);
  });
});

describe('signals history: errors, each with its code', () => {
  it('an unknown symbol: exit 3, nothing printed for the others', () => {
    const r = history(['KO', 'ZZZZ', '--state-dir', dir, '--jsonl']);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^signals: unknown symbol ZZZZ: the signal log in .* has nothing of it/);
  });

  it('bad dates, or --to before --from: exit 2', () => {
    for (const args of [
      ['--from', '2025-02-30'],
      ['--to', 'yesterday'],
      ['--from', '2025-07-08T14:30:00'],
      ['--from', day(11), '--to', day(10)],
    ]) {
      const r = history(['KO', '--state-dir', dir, ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(2);
    }
    expect(history(['KO', '--state-dir', dir, '--from', 'soon']).stderr).toBe(
      'signals: --from "soon" is not a date or a time; use YYYY-MM-DD or an ISO time such as 2025-07-08T14:30:00Z\n',
    );
  });

  it('a folder without a signal log: exit 5, and no log is made there', () => {
    const empty = mkdtempSync(join(tmpdir(), 'signals-nolog-'));
    const r = history(['KO', '--state-dir', empty]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^signals: no signal log in .*signals-nolog-.*: `signals serve` keeps one in its --state-dir/);
    expect(readdirSync(empty)).toEqual([]);
  });

  it('two output formats, or --token without --url: exit 2', () => {
    expect(history(['KO', '--state-dir', dir, '--json', '--csv']).code).toBe(2);
    expect(history(['KO', '--state-dir', dir, '--token', 't0k'])).toMatchObject({
      code: 2,
      stderr: 'signals: --token applies only with --url (a local signal log needs no token)\n',
    });
  });

  it('nothing at --url: exit 6 with the remedy; a server that is not a signals server: exit 6 too', () => {
    expect(history(['KO', '--url', 'http://127.0.0.1:9'])).toMatchObject({
      code: 6,
      stderr: 'signals: nothing answered at http://127.0.0.1:9; start `signals serve` there, or check --url\n',
    });
  });
});

describe('signals history of a log with a hole', () => {
  /** KO 1..2500, with the segment of 1001-2000 moved away (as an operator does after STATE_CORRUPT). */
  let holed: string;
  beforeAll(async () => {
    holed = mkdtempSync(join(tmpdir(), 'signals-history-hole-'));
    let now = start;
    const log = SegmentLog.open({ dir: holed, now: () => now });
    for (let i = 1; i <= 2_500; i++) {
      now = start + (i - 1) * STEP;
      await log.append('KO', publication('KO', i, now));
    }
    await log.close();
    renameSync(join(holed, 'log', 'KO', '000000001001.seg'), join(holed, 'moved-away.seg'));
  });

  it('marks the seqs the log lost where they were, from a state dir as from a running server: a table line, or stderr beside JSON and CSV', async () => {
    const lost = 'seqs 1001-2000 missing: the signal log lost them (a removed or damaged segment)';
    const lines = history(['KO', '--state-dir', holed, '--jsonl']);
    expect(lines.code).toBe(0);
    expect(seqs(lines.stdout)).toEqual([...range(1, 1000), ...range(2001, 2500)]);
    expect(lines.stderr).toBe(`KO: ${lost}\n`);
    const table = history(['KO', '--state-dir', holed]);
    expect(table.code).toBe(0);
    const rows = table.stdout.split('\n');
    const at = rows.indexOf(`KO      ${lost}`);
    expect(rows[at - 1]).toMatch(/^KO\s.*Z\s+1000\s/);
    expect(rows[at + 1]).toMatch(/^KO\s.*Z\s+2001\s/);
    // Pages after the hole cross nothing lost.
    expect(history(['KO', '--state-dir', holed, '--csv', '--last', '100']).stderr).toBe('');

    const server = spawnServe(['--state-dir', holed, '--symbols', 'SPY']);
    const http = (await server.url).replace('ws://', 'http://').replace('/ws/signals', '');
    try {
      const remote = history(['KO', '--url', http, '--jsonl']);
      expect(remote.stderr).toBe(lines.stderr);
      expect(remote.stdout).toBe(lines.stdout);
      expect(history(['KO', '--url', http]).stdout).toBe(table.stdout);
    } finally {
      server.child.kill('SIGKILL');
      await server.exited;
    }
  });
});

describe('signals history from a running server', () => {
  let server: ReturnType<typeof spawnServe>;
  let url: string;
  let http: string;
  /** A copy of the state dir made before the server started: the same log (epoch and records) that the server holds. */
  let snapshotDir: string;
  beforeAll(async () => {
    snapshotDir = mkdtempSync(join(tmpdir(), 'signals-history-copy-'));
    cpSync(dir, snapshotDir, { recursive: true });
    server = spawnServe(['--state-dir', dir, '--symbols', 'SPY', '--token', 't0k']);
    url = await server.url;
    http = url.replace('ws://', 'http://').replace('/ws/signals', '');
  });
  afterAll(async () => {
    server.child.kill('SIGKILL');
    await server.exited;
  });

  it('the state dir of a running server is read beside it, read only: the same records, and the server keeps its lock', () => {
    const r = history(['KO', '--state-dir', dir, '--jsonl']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(seqs(r.stdout)).toEqual(range(1, KO_COUNT));
    expect(readFileSync(join(dir, 'signals.lock'), 'utf8').split(' ')[0]).toBe(String(server.child.pid));
  });

  it('pages through the whole log over HTTP (a ws:// or http:// URL), with the token from --token or SIGNALS_TOKEN', () => {
    for (const base of [url, http]) {
      const r = history(['KO', '--url', base, '--token', 't0k', '--jsonl']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(seqs(r.stdout)).toEqual(range(1, KO_COUNT));
    }
    const viaEnv = history(['KO', '--url', http, '--last', '3', '--csv'], { SIGNALS_TOKEN: 't0k' });
    expect(viaEnv.code).toBe(0);
    expect(parse<{ seq: string }>(viaEnv.stdout, { columns: true }).map((row) => Number(row.seq))).toEqual(range(1498, 1500));
  });

  it('gives the same publications and rows as the local log for the same question', () => {
    const questions = [
      ['--last', '5'],
      ['--from', day(10), '--to', day(10)],
      ['--from', `${day(10)}T06:00:00Z`, '--to', `${day(10)}T07:00:00Z`, '--last', '2'],
    ];
    for (const q of questions) {
      const remote = history(['KO', 'JPM', '--url', http, '--token', 't0k', '--json', ...q]);
      expect(remote.code, q.join(' ')).toBe(0);
      expect(JSON.parse(remote.stdout).length).toBeGreaterThan(0);
      expect(JSON.parse(remote.stdout)).toEqual(JSON.parse(history(['KO', 'JPM', '--state-dir', snapshotDir, '--json', ...q]).stdout));
    }
    const table = history(['KO', '--url', http, '--token', 't0k', '--last', '2']);
    expect(table.stdout).toBe(history(['KO', '--state-dir', snapshotDir, '--last', '2']).stdout);
  });

  it('a refused or missing token: exit 7; an unknown symbol: exit 3; a URL that is no signals server: exit 6', () => {
    expect(history(['KO', '--url', http, '--token', 'wrong'])).toMatchObject({ code: 7, stderr: expect.stringMatching(/refused the token/) });
    expect(history(['KO', '--url', http])).toMatchObject({ code: 7, stderr: expect.stringMatching(/requires a token/) });
    expect(history(['ZZZZ', '--url', http, '--token', 't0k'])).toMatchObject({ code: 3, stderr: `signals: unknown symbol ZZZZ at ${http}\n` });
    expect(history(['KO', '--url', `${http}/elsewhere`, '--token', 't0k'])).toMatchObject({
      code: 6,
      stderr: expect.stringMatching(/answered 404: not a signals server/),
    });
  });
});
