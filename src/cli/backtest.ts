// `signals backtest`: the walk-forward evaluation of the consensus and each agent, as text, JSON, a CSV of steps and an HTML report.
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { stepsCsv } from '../backtest/csv.js';
import { LOOKAHEAD_SAMPLE } from '../backtest/lookahead.js';
import { htmlReport } from '../backtest/report.js';
import { runBacktest } from '../backtest/runner.js';
import { formatSummary, progressLine } from '../backtest/summary.js';
import { SignalsError } from '../protocol/errors.js';
import { ExitCode } from './exit-codes.js';
import { consensusConfig, llmConfig, type BacktestCliOptions } from './options.js';
import { outputMode } from './output-mode.js';

/** The progress line on stderr, redrawn at most ten times a second; `end` clears it. */
function progressBar(stream: NodeJS.WriteStream) {
  const started = performance.now();
  let total = 0;
  let done = 0;
  let drawn = 0;
  const draw = () => stream.write(`\r\x1b[2K${progressLine(done, total, performance.now() - started)}`);
  return {
    plan: (n: number) => {
      total = n;
      draw();
    },
    step: (n: number) => {
      done += n;
      if (performance.now() - drawn < 100) return;
      drawn = performance.now();
      draw();
    },
    end: () => stream.write('\r\x1b[2K'),
  };
}

function write(file: string, flag: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new SignalsError('BAD_ARGUMENT', `${flag} ${file} cannot be written (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** The command line as typed, for the report's heading. */
const commandLine = () =>
  ['signals', ...process.argv.slice(2).map((a) => (/^[\w./:=,@+-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`))].join(' ');

/**
 * `symbols` are canonical, without repeats: those to walk, or none with --universe sp500 (whose members are walked).
 * Resolves to the exit code (errors are thrown with their codes).
 */
export async function runBacktestCommand(symbols: string[], options: BacktestCliOptions): Promise<number> {
  if (options.universe === 'sp500' && symbols.length > 0) {
    throw new SignalsError('BAD_ARGUMENT', `--universe sp500 walks every member on the days it was one; give no symbols (got ${symbols.join(' ')})`);
  }
  if (options.universe !== 'sp500' && symbols.length === 0) {
    throw new SignalsError('BAD_ARGUMENT', 'give symbols to backtest (signals backtest AAPL MSFT), or --universe sp500 for the S&P 500 as it was');
  }
  const interactive = outputMode({ json: false, isTTY: process.stderr.isTTY ?? false, ci: Boolean(process.env.CI) }) === 'interactive';
  const progress = interactive ? progressBar(process.stderr) : undefined;
  let run;
  try {
    run = await runBacktest({
      symbols,
      from: options.from,
      to: options.to,
      every: options.every,
      horizons: options.horizon,
      costBps: options.costBps,
      allowShort: options.allowShort ?? false,
      setup: {
        dataDir: options.dataDir,
        universe: options.universe,
        consensus: consensusConfig(options),
        llm: llmConfig(options),
        agentTimeoutMs: options.agentTimeout,
      },
      workers: options.workers ?? availableParallelism(),
      checkLookahead: options.checkLookahead ? LOOKAHEAD_SAMPLE : 0,
      ...(progress ? { onPlan: progress.plan, onProgress: progress.step } : {}),
    });
  } finally {
    progress?.end();
  }
  if (options.csv !== undefined) write(options.csv, '--csv', stepsCsv(run.rows(), options.horizon));
  const data =
    options.universe === 'sp500'
      ? "the S&P 500 universe's bars"
      : options.dataDir === undefined
        ? 'the bundled daily bars'
        : 'the --data-dir files and the bundled daily bars';
  if (options.report !== undefined) write(options.report, '--report', htmlReport(run, commandLine(), data));
  process.stdout.write(options.json ? `${JSON.stringify(run.result, null, 2)}\n` : formatSummary(run.result));
  const leaks = run.result.lookahead?.leaks ?? [];
  if (leaks.length === 0) return 0;
  const first = leaks[0]!;
  process.stderr.write(
    `signals: look-ahead check failed: ${leaks.length} decision${leaks.length === 1 ? '' : 's'} changed when only later data changed (first: ${first.symbol} ${first.date}, ${first.field}: ${first.changed.join(', ')})\n`,
  );
  return ExitCode.ANALYSIS_FAILED;
}
