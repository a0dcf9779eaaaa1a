// `signals rank`: a universe's cross-section on one day, each member's call as `analyze` makes it, ranked by the consensus and by each agent.
import { defaultAgents } from '../agents/index.js';
import { Analyst } from '../core/analyst.js';
import type { HistorySource } from '../market/history.js';
import { closeOf } from '../market/publication.js';
import { BENCHMARK } from '../market/snapshot.js';
import { MarketStore } from '../market/store.js';
import { upperBound } from '../market/types.js';
import { UniverseHistory } from '../market/universe-history.js';
import { universeOf } from '../market/universe.js';
import { SignalsError } from '../protocol/errors.js';
import { dataNote, dataSourceOf } from './data-source.js';
import { ExitCode, PARTIAL_FAILURE_EXIT } from './exit-codes.js';
import { consensusConfig, llmConfig, type RankOptions } from './options.js';
import { colorLevel } from './output-mode.js';
import { rankResult } from './rank-rows.js';
import { lastDay } from './symbols.js';
import { formatRankCsv, formatRankTable } from './rank-table.js';

/**
 * The trading day of `date` (default: the last bundled day): that day, or the one before it when the market was
 * closed, on the benchmark's calendar, which the bundled stocks' last day ends. Throws DATE_OUT_OF_RANGE outside it.
 */
export function tradingDay(store: MarketStore, date: string | undefined): string {
  const days = store.barRows(BENCHMARK);
  const first = days.at(0)!.date;
  const last = lastDay(store);
  if (date === undefined || date === last) return last;
  if (date < first || date > last) {
    throw new SignalsError('DATE_OUT_OF_RANGE', `--as-of ${date} is outside the data (${first} to ${last}); pick a date in that range`);
  }
  return days.at(upperBound(days, date, (b) => b.date) - 1)!.date;
}

/** Whether `symbol` has a bar on `day` (a member that has since left the market may have none). */
function pricedOn(source: HistorySource, symbol: string, day: string): boolean {
  if (!source.has(symbol)) return false;
  const bars = source.barRows(symbol);
  const end = upperBound(bars, day, (b) => b.date);
  return end > 0 && bars.at(end - 1)!.date === day;
}

/** Resolves to the exit code: 0, PARTIAL_FAILURE_EXIT when some members' analyses failed (listed), or the failure's code when all did. */
export async function runRank(options: RankOptions): Promise<number> {
  const store = new MarketStore({ dataDir: options.dataDir });
  const universe = universeOf(options.universe, store, store.bundledDir);
  const day = tradingDay(store, options.asOf);
  // Only the bars an analysis as of the day's close sees are built (the packed history is decoded up to them).
  const source: HistorySource = options.universe === 'sp500' ? new UniverseHistory(store, undefined, day) : store;
  const asOf = closeOf(day);
  const all = universe.members(day);
  const members = all.filter((s) => s !== BENCHMARK);
  const priced = members.filter((s) => pricedOn(source, s, day));
  const pricedSet = new Set(priced);
  const analyst = new Analyst({
    store: source,
    agents: defaultAgents({ bundledDir: store.bundledDir, llm: llmConfig(options) }),
    consensus: consensusConfig(options),
    agentTimeoutMs: options.agentTimeout,
    // The evidence of the universe ranked: its own book, as `analyze --universe` reads it.
    universe: options.universe,
    trackRecords: false,
  });
  const progress = !options.json && !options.csv && process.stderr.isTTY;
  const section = await analyst.crossSection(priced, day, (done) => {
    if (progress && done % 25 === 0) process.stderr.write(`analysing ${done}/${priced.length}…\r`);
  });
  if (progress) process.stderr.write('\x1b[2K');
  const ranked = rankResult(section, {
    asOf,
    requested: options.asOf,
    barDate: day,
    universe: universe.name,
    members: all.length,
    withoutPrices: members.filter((s) => !pricedSet.has(s)),
    agents: analyst.agents(),
    signedByAction: options.referenceConsensus ?? false,
  });
  const now = Date.now();
  const data = dataSourceOf(options.dataDir === undefined ? 'bundled' : 'data-dir', lastDay(store), now);
  const result = { ...ranked, data_source: data };
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (options.csv) process.stdout.write(formatRankCsv(result));
  else {
    const { Chalk } = await import('chalk');
    // rank ranks the days of its files only: today's prices are analyze's, with a live provider.
    const hint = 'signals analyze SYMBOL --provider yahoo (rank has no live provider)';
    const note = dataNote(data, { barDate: day, requested: options.asOf !== undefined, now, hint });
    process.stdout.write(formatRankTable(result, options.top, new Chalk({ level: colorLevel(process.stdout, options.color) }), note));
  }
  for (const u of result.unranked.filter((x) => x.action === 'ERROR')) process.stderr.write(`signals: ${u.symbol}: ${u.reason}\n`);
  const failed = result.unranked.filter((u) => u.action === 'ERROR');
  if (failed.length === 0) return 0;
  return failed.length === priced.length ? ExitCode[failed[0]!.code ?? 'ANALYSIS_FAILED'] : PARTIAL_FAILURE_EXIT;
}
