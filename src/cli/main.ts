// The `signals` program: commander set-up, one lazily loaded module per command, errors to exit codes.
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, SignalsError } from '../protocol/errors.js';
import { VERSION } from '../version.js';
import { addAnalysisOptions, addDataOption } from './options.js';

function program(): Command {
  const root = new Command('signals')
    .description('Trading signals from several analysis agents voting side by side, live over WebSocket.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  signals analyze AAPL                 the agents' votes and the consensus for AAPL's last bundled day
  signals analyze AAPL MSFT --json     JSON for scripts
  signals serve                        WebSocket server on 127.0.0.1:8000 replaying the bundled data
  signals watch AAPL MSFT --local      live terminal dashboard, no server needed`,
    );

  addAnalysisOptions(
    root
      .command('analyze')
      .description('analyse symbols once and print the result')
      .argument('<symbols...>', 'ticker symbols, e.g. AAPL MSFT')
      .option('--json', 'print JSON: the signal_update data (an array for several symbols)')
      .addOption(new Option('--as-of <date>', 'analyse as of this day (YYYY-MM-DD); default: the last day of data').env('SIGNALS_AS_OF')),
  )
    .addHelpText(
      'after',
      `
Examples:
  signals analyze AAPL
  signals analyze AAPL NVDA --as-of 2022-06-15 --json | jq '.[].action'
  signals analyze MYCO --data-dir ./my-csvs      (reads ./my-csvs/MYCO.csv)

Exit codes: 0 ok, 2 bad argument, 3 unknown symbol, 4 date outside the data, 5 data error, 1 internal error.`,
    )
    .action(async (symbols: string[], options) => (await import('./analyze.js')).runAnalyze(symbols, options));

  addDataOption(root.command('symbols').description('list the symbols that can be analysed, with their date ranges'))
    .option('--json', 'print JSON')
    .action(async (options) => (await import('./symbols.js')).runSymbols(options));

  return root;
}

/** Runs the CLI; resolves to the process exit code. Errors print one line on stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0
        ? 0
        : ExitCode.BAD_ARGUMENT;
    }
    if (error instanceof SignalsError) {
      process.stderr.write(`signals: ${error.message}\n`);
      return ExitCode[error.code];
    }
    process.stderr.write(`signals: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.SIGNALS_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return ExitCode.INTERNAL;
  }
}
