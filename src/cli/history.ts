// `signals history`: the logged signals and decisions of symbols, from the local signal log or from a running server.
import { ConnectError } from '../client/connect-error.js';
import { HistoryClient } from '../client/history.js';
import { SegmentLog } from '../log/segment-log.js';
import { missingSeqs } from '../log/missing.js';
import { MarketStore } from '../market/store.js';
import { SignalsError } from '../protocol/errors.js';
import { MAX_HISTORY_LIMIT, type SeqRange } from '../protocol/messages.js';
import { csv, missingLine, table, toRow, type Missing, type Publication } from './history-rows.js';
import type { HistoryOptions } from './options.js';

interface Range {
  fromTime?: number | undefined;
  toTime?: number | undefined;
}

interface Page {
  items: Publication[];
  /** Present when more may follow: ask again from this seq. */
  next_seq?: number | undefined;
  /** Seq ranges the log lost that the items jump over (up to the log's end on the last page), as the server's pages say. */
  missing?: SeqRange[] | undefined;
}

/** Where the publications come from: the local log or a server; both answer the same pages. */
interface Source {
  page(symbol: string, query: Range & { sinceSeq: number; limit: number }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The signal log of a state dir, opened read only: no lock is taken and nothing is written, so the log of a
 * running server can be read beside it (as it was when opened). A folder without a log is DATA_ERROR.
 */
function localSource(dir: string): Source {
  const log = SegmentLog.open({ dir, readOnly: true });
  let store: MarketStore | undefined;
  return {
    async page(symbol, { sinceSeq, limit, fromTime, toTime }) {
      // A symbol the log never saw is unknown unless it can be analysed at all (then it has simply not been published yet).
      if (log.head(symbol) === 0 && !(store ??= new MarketStore()).has(symbol)) {
        throw new SignalsError(
          'UNKNOWN_SYMBOL',
          `unknown symbol ${symbol}: the signal log in ${dir} has nothing of it, and \`signals symbols\` does not list it`,
        );
      }
      const records = await log.read(symbol, { afterSeq: sinceSeq, limit, fromTime, toTime });
      const items = records.map((r) => JSON.parse(r.json) as Publication);
      const more = records.length === limit;
      // As GET /api/v1/signals/{symbol} marks them (server/history.ts).
      const missing = missingSeqs(log, symbol, sinceSeq, more ? records.at(-1)!.seq : log.head(symbol));
      return { items, next_seq: more ? records.at(-1)!.seq : undefined, ...(missing.length > 0 ? { missing } : {}) };
    },
    close: () => log.close(),
  };
}

function serverSource(url: string, token: string | undefined): Source {
  const client = new HistoryClient({ url, token });
  return {
    async page(symbol, { sinceSeq, limit, fromTime, toTime }) {
      try {
        return await client.page(symbol, { sinceSeq, limit, fromTime, toTime });
      } catch (error) {
        if (error instanceof ConnectError && error.code === 'CONNECTION_FAILED' && error.httpStatus === undefined) {
          throw new SignalsError('CONNECTION_FAILED', `${error.message}; start \`signals serve\` there, or check --url`);
        }
        throw error;
      }
    },
    close: async () => undefined,
  };
}

/**
 * The seq of the newest publication in the range (0 when there is none), in a few one-item pages: galloping up
 * from the oldest, then halving. Pages go forward from a seq, and neither source says where a symbol's log ends.
 */
async function newestSeq(source: Source, symbol: string, range: Range): Promise<number> {
  const firstAfter = async (seq: number) => (await source.page(symbol, { ...range, sinceSeq: seq, limit: 1 })).items[0]?.data.seq;
  let low = await firstAfter(0);
  if (low === undefined) return 0;
  // `low` is in the range and nothing in it comes after `high`.
  let high: number;
  for (let step = 64; ; step *= 2) {
    const next = await firstAfter(low + step);
    if (next === undefined) {
      high = low + step;
      break;
    }
    low = next;
  }
  while (low < high) {
    const middle = low + Math.floor((high - low) / 2);
    const next = await firstAfter(middle);
    if (next === undefined) high = middle;
    else low = next;
  }
  return low;
}

/** A symbol's publications in the range, oldest first, and the seqs the log lost among them; with `last`, only the newest `last`. */
async function publications(
  source: Source,
  symbol: string,
  range: Range,
  last: number | undefined,
): Promise<{ items: Publication[]; missing: Missing[] }> {
  let since = last === undefined ? 0 : Math.max(0, (await newestSeq(source, symbol, range)) - last);
  const items: Publication[] = [];
  const missing: Missing[] = [];
  for (;;) {
    const page = await source.page(symbol, { ...range, sinceSeq: since, limit: MAX_HISTORY_LIMIT });
    items.push(...page.items);
    for (const m of page.missing ?? []) missing.push({ symbol, ...m });
    if (page.next_seq === undefined || page.items.length === 0) break;
    since = page.next_seq;
  }
  return { items: last === undefined ? items : items.slice(-last), missing };
}

/** `symbols`: canonical, without repeats (the argument's parser sees to that). */
export async function runHistory(symbols: string[], options: HistoryOptions): Promise<void> {
  const range: Range = { fromTime: options.from, toTime: options.to };
  if (range.fromTime !== undefined && range.toTime !== undefined && range.toTime <= range.fromTime) {
    throw new SignalsError('BAD_ARGUMENT', '--to must come after --from (a day given to --to counts in full)');
  }
  const source = options.url !== undefined ? serverSource(options.url, options.token) : localSource(options.stateDir);
  const found: Publication[] = [];
  const missing: Missing[] = [];
  const unknown: SignalsError[] = [];
  try {
    for (const symbol of symbols) {
      try {
        const of = await publications(source, symbol, range, options.last);
        found.push(...of.items);
        missing.push(...of.missing);
      } catch (error) {
        if (!(error instanceof SignalsError && error.code === 'UNKNOWN_SYMBOL')) throw error;
        unknown.push(error);
      }
    }
  } finally {
    await source.close();
  }
  // All or nothing: a script gets either every symbol it asked for, or an error that names each unknown one.
  if (unknown.length > 0) throw new SignalsError('UNKNOWN_SYMBOL', unknown.map((e) => e.message).join('; '));
  const machine = options.json || options.jsonl || options.csv;
  // The machine formats hold publications only: the seqs the log lost are said on stderr, one line per range.
  if (machine) for (const m of missing) process.stderr.write(`${missingLine(m)}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(found, null, 2)}\n`);
  else if (options.jsonl) process.stdout.write(found.map((p) => `${JSON.stringify(p)}\n`).join(''));
  else if (options.csv) process.stdout.write(csv(found.map(toRow)));
  else if (found.length === 0 && missing.length === 0)
    process.stdout.write(
      `no publications of ${symbols.join(', ')}${options.from !== undefined || options.to !== undefined ? ' in that time range' : ''}\n`,
    );
  else process.stdout.write(table(found.map(toRow), missing));
}
