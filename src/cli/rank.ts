// `signals rank`: a universe's cross-section on one day, each member's call as `analyze` makes it, ranked by the consensus and by each agent.
import { defaultAgents } from '../agents/index.js';
import { rankDay, tradingDay } from '../core/rank.js';
import { dataSourceOf } from '../market/data-age.js';
import { lastDay, MarketStore } from '../market/store.js';
import { dataNote } from './data-source.js';
import { ExitCode, PARTIAL_FAILURE_EXIT } from './exit-codes.js';
import { consensusConfig, llmConfig, type RankOptions } from './options.js';
import { colorLevel } from './output-mode.js';
import { formatRankCsv, formatRankTable } from './rank-table.js';

/** Resolves to the exit code: 0, PARTIAL_FAILURE_EXIT when some members' analyses failed (listed), or the failure's code when all did. */
export async function runRank(options: RankOptions): Promise<number> {
  const store = new MarketStore({ dataDir: options.dataDir });
  const day = tradingDay(store, options.asOf);
  const progress = !options.json && !options.csv && process.stderr.isTTY;
  const ranked = await rankDay(store, {
    universe: options.universe,
    day,
    requested: options.asOf,
    agents: defaultAgents({ bundledDir: store.bundledDir, llm: llmConfig(options) }),
    consensus: consensusConfig(options),
    agentTimeoutMs: options.agentTimeout,
    signedByAction: options.referenceConsensus ?? false,
    onProgress: (done, of) => {
      if (progress && done % 25 === 0) process.stderr.write(`analysing ${done}/${of}…\r`);
    },
  });
  if (progress) process.stderr.write('\x1b[2K');
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
  const failed = result.unranked.filter((u) => u.action === 'ERROR');
  for (const u of failed) process.stderr.write(`signals: ${u.symbol}: ${u.reason}\n`);
  if (failed.length === 0) return 0;
  // All failed: every member with prices (ranked or not) is among them.
  return failed.length === result.universe.ranked + result.unranked.length ? ExitCode[failed[0]!.code ?? 'ANALYSIS_FAILED'] : PARTIAL_FAILURE_EXIT;
}
