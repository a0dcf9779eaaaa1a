// `signals analyze`: one analysis per symbol from the bundled (or user) data or a provider, as a table, JSON or JSON lines.
import { defaultAgents } from '../agents/index.js';
import { Analyst } from '../core/analyst.js';
import type { HistorySource } from '../market/history.js';
import { closeOf } from '../market/publication.js';
import { resolveAsOf, snapshotAt } from '../market/snapshot.js';
import { MarketStore } from '../market/store.js';
import { dataSourceOf } from '../market/data-age.js';
import { createHistory } from '../providers/index.js';
import { SignalsError } from '../protocol/errors.js';
import type { AnalyzeResult } from './analyze-json.js';
import { analysisResult, failure } from './analyze-result.js';
import { formatTable } from './analyze-table.js';
import { adjustedDiffers, dataNote } from './data-source.js';
import { ExitCode, PARTIAL_FAILURE_EXIT } from './exit-codes.js';
import { consensusConfig, llmConfig, type AnalyzeOptions } from './options.js';
import { colorLevel, outputMode } from './output-mode.js';
import { providerConfig } from './provider.js';

/** Where an analysis's data comes from: the bundled store, or a live provider's history over it. */
interface Data {
  store: MarketStore;
  /** Where a symbol's range of dates comes from: the store, or with `--universe sp500` every member's bars. */
  ranges: Pick<MarketStore, 'range'>;
  history: HistorySource;
  /** A live provider: the as-of defaults to now, not to the last bundled day. */
  live: boolean;
  /** The wall clock, or the hidden --market-clock. */
  clock: () => number;
  /** The live provider's name; undefined for the store's files. */
  provider: 'yahoo' | 'alpaca' | undefined;
}

/**
 * The as-of of a live provider's analysis: now, or after the close of `--as-of` (which must not be in the future).
 * The history is then fetched up to it (or read from the cache).
 */
function liveAsOf(date: string | undefined, now: number): string {
  const today = new Date(now).toISOString().slice(0, 10);
  if (date === undefined) return new Date(now).toISOString();
  if (date > today) throw new SignalsError('DATE_OUT_OF_RANGE', `--as-of ${date} is in the future; pick a day up to ${today}`);
  return date === today ? new Date(now).toISOString() : closeOf(date);
}

/** One symbol to its result; a symbol that cannot be analysed becomes its own ERROR entry, never the run's end. */
async function analyseOne(analyst: Analyst, data: Data, symbol: string, date: string | undefined): Promise<AnalyzeResult> {
  const agents = analyst.agents();
  let asOf: string | undefined;
  let barDate: string | undefined;
  try {
    asOf = data.live ? liveAsOf(date, data.clock()) : resolveAsOf(data.ranges, symbol, date);
    await data.history.load?.(symbol, asOf);
    // The bar the agents see last: on a weekend or holiday as-of, the trading day before it.
    barDate = snapshotAt(data.history, symbol, asOf).bars.at(-1)?.date ?? asOf.slice(0, 10);
    const result = await analysisResult(analyst, symbol, asOf, barDate);
    const range = data.provider === undefined ? data.ranges.range(symbol) : undefined;
    const now = data.clock();
    return { ...result, data_source: range ? dataSourceOf(range.source, range.last, now) : dataSourceOf(data.provider!, barDate, now) };
  } catch (error) {
    const code = error instanceof SignalsError ? error.code : 'ANALYSIS_FAILED';
    return failure(symbol, code, error instanceof Error ? error.message : String(error), agents, { asOf, barDate });
  }
}

/**
 * Exit code of a run: 0 when every symbol was analysed; when all failed, the first failure's code (one symbol
 * keeps its own code); when only some failed, PARTIAL_FAILURE_EXIT.
 */
export function exitCodeOf(results: AnalyzeResult[]): number {
  const failed = results.filter((r) => r.action === 'ERROR');
  if (failed.length === 0) return 0;
  if (failed.length < results.length) return PARTIAL_FAILURE_EXIT;
  return ExitCode[failed[0]!.error.code];
}

/** `symbols` are in canonical form, without repeats (the argument's parser sees to that). Resolves to the exit code. */
export async function runAnalyze(symbols: string[], options: AnalyzeOptions): Promise<number> {
  const store = new MarketStore({ dataDir: options.dataDir });
  // Provider warnings (a cached copy standing in for an unreachable provider, a rate limit) go to stderr as they are.
  const warn = (message: string) => process.stderr.write(`signals: warning: ${message}\n`);
  const config = providerConfig(options, store, { info: () => undefined, warn, error: warn });
  const live = options.provider !== 'replay';
  // With the S&P 500, any member's bars (the bundled file's); a live provider fetches any symbol anyway.
  const universe = options.universe === 'sp500' && !live ? new (await import('../market/universe-history.js')).UniverseHistory(store) : undefined;
  const history = universe ?? (await createHistory(config));
  const provider = options.provider === 'replay' ? undefined : options.provider;
  const data: Data = { store, ranges: universe ?? store, history, live, clock: config.clock ?? Date.now, provider };
  const analyst = new Analyst({
    store: data.history,
    universe: options.universe,
    agents: defaultAgents({ bundledDir: store.bundledDir, llm: llmConfig(options) }),
    consensus: consensusConfig(options),
    agentTimeoutMs: options.agentTimeout,
  });
  const mode = outputMode({
    json: options.json ?? false,
    jsonl: options.jsonl ?? false,
    isTTY: process.stdout.isTTY ?? false,
    ci: Boolean(process.env.CI),
  });
  const showProgress = mode === 'interactive' && process.stderr.isTTY;
  // chalk only for the table: JSON never has colour, and loading chalk is a seventh of a bare Node start.
  const chalk =
    mode === 'json' || mode === 'jsonl' ? undefined : new (await import('chalk')).Chalk({ level: colorLevel(process.stdout, options.color) });
  const results: AnalyzeResult[] = [];
  let tables = 0;
  for (const symbol of symbols) {
    if (showProgress) process.stderr.write(`analysing ${symbol}…\r`);
    const result = await analyseOne(analyst, data, symbol, options.asOf);
    if (showProgress) process.stderr.write('\x1b[2K');
    results.push(result);
    if (result.action === 'ERROR') process.stderr.write(`signals: ${result.error.message}\n`);
    if (mode === 'jsonl') process.stdout.write(`${JSON.stringify(result)}\n`);
    else if (chalk !== undefined && result.action !== 'ERROR') {
      const ds = result.data_source;
      const note =
        ds && dataNote(ds, { barDate: result.bar_date, requested: options.asOf !== undefined, now: data.clock(), hint: '--provider yahoo' });
      const layout = {
        note,
        adjusted: ds !== undefined && adjustedDiffers(ds, result.bar_date, data.clock()),
        width: process.stdout.isTTY ? process.stdout.columns : undefined,
      };
      process.stdout.write(`${tables++ > 0 ? '\n' : ''}${formatTable(result, chalk, layout)}`);
    }
  }
  if (mode === 'json') process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  return exitCodeOf(results);
}
