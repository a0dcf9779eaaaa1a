// The `signals` program: commander set-up, one lazily loaded module per command, errors to exit codes.
import { Command, CommanderError } from 'commander';
import { SignalsError } from '../protocol/errors.js';
import { VERSION } from '../version.js';
import { ExitCode } from './exit-codes.js';
import { addOptions, checkOptions, symbolsArgument, type Applicability, type AsyncCheck, type Spec } from './option-spec.js';
import { ANALYZE_RULES, HISTORY_RULES, SERVE_CHECKS, SERVE_RULES, WATCH_RULES } from './option-rules.js';
import { ANALYZE, BACKTEST, HISTORY, SERVE, SYMBOLS, WATCH } from './options.js';

/** A command whose options are all declared in `spec` and checked against `rules` and `checks` before its action. */
function command(parent: Command, name: string, spec: Spec, rules: Applicability[] = [], checks: Record<string, AsyncCheck> = {}): Command {
  const sub = addOptions(parent.command(name), spec);
  return sub.hook('preAction', () => checkOptions(sub, rules, checks));
}

function program(): { root: Command; exitCode: () => number } {
  let status = 0;
  /** Runs a command; a command that reports partial failure resolves to its exit code. */
  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<number | void>) =>
    async (...args: A) => {
      status = (await action(...args)) ?? 0;
    };
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

  const analyze = command(root, 'analyze', ANALYZE, ANALYZE_RULES);
  analyze
    .description('analyse symbols once and print the result')
    .addArgument(symbolsArgument('symbols', 'ticker symbols, e.g. AAPL MSFT'))
    .addHelpText(
      'after',
      `
Examples:
  signals analyze AAPL
  signals analyze AAPL NVDA --as-of 2022-06-15 --json | jq '.[].action'
  signals analyze AAPL NVDA --jsonl | jq -r '[.symbol, .action, .confidence] | @tsv'
  signals analyze MYCO --data-dir ./my-csvs      (reads ./my-csvs/MYCO.csv)

Exit codes: 0 ok, 2 bad argument, 3 unknown symbol, 4 date outside the data, 5 data error, 10 analysis failed,
11 some symbols failed (the others are printed), 1 internal error. With several symbols that all fail: the first one's code.`,
    )
    .action(run(async (symbols: string[]) => (await import('./analyze.js')).runAnalyze(symbols, analyze.opts())));

  const backtest = command(root, 'backtest', BACKTEST, ANALYZE_RULES);
  backtest
    .description('walk-forward evaluation: analyse each trading day as of its close, trade at the next open, measure it')
    .addArgument(symbolsArgument('symbols', 'ticker symbols, e.g. AAPL MSFT'))
    .addHelpText(
      'after',
      `
Examples:
  signals backtest AAPL --from 2024-01-02 --to 2024-12-31
  signals backtest AAPL MSFT NVDA --from 2019-01-02 --to 2025-10-01 --report bt.html --csv steps.csv
  signals backtest JPM --every 5 --horizon 5,21 --allow-short --json | jq '.symbols[0].strategy'
  signals backtest AAPL --reference-consensus --weights technical=2

Each step is what \`signals analyze SYMBOL --as-of DATE\` prints, traded at the next open (docs/backtest.md).
Exit codes: 0 ok, 2 bad argument, 3 unknown symbol, 4 date outside the data, 5 data error, 10 analysis failed,
1 internal error.`,
    )
    .action(run(async (list: string[]) => (await import('./backtest.js')).runBacktestCommand(list, backtest.opts())));

  const symbols = command(root, 'symbols', SYMBOLS);
  symbols
    .description('list the symbols that can be analysed, with their date ranges')
    .action(run(async () => (await import('./symbols.js')).runSymbols(symbols.opts())));

  const serve = command(root, 'serve', SERVE, SERVE_RULES, SERVE_CHECKS);
  serve
    .description('run the WebSocket signal server with its market monitor on the replayed bundled data')
    .addHelpText(
      'after',
      `
Examples:
  signals serve                                   ws://127.0.0.1:8000/ws/signals, replaying from 2025-07-08
  signals serve --host 0.0.0.0 --token s3cret     reachable from other hosts, token required
  signals serve --token alpha --token beta        either token is accepted
  signals serve --from 2020-02-18 --speed 1560    the 2020 crash, four sessions a minute

Endpoints: /ws/signals, /ws/symbols/{symbol}, GET /ws/status, /healthz, /metrics (docs/protocol.md).`,
    )
    .action(run(async () => (await import('./serve.js')).runServe(serve.opts())));

  const watch = command(root, 'watch', WATCH, WATCH_RULES);
  watch
    .description('live terminal dashboard of the agents voting and the consensus (NDJSON when not a terminal)')
    .addArgument(symbolsArgument('symbols', 'symbols to watch'))
    .addHelpText(
      'after',
      `
Examples:
  signals watch AAPL MSFT NVDA --local            one command: in-process server and the dashboard
  signals watch AAPL --url ws://host:8000/ws/signals --token s3cret
  signals watch AAPL --local | jq -c 'select(.type=="signal_update")'

The analysis, replay and limit options apply only with --local; --url and --token only without it.
Keys: up/down select, a analyse now, + add a symbol, - remove the selected one, ? help, q/Esc/Ctrl-C quit.

Exit codes: 0 ok, 2 bad argument, 3 unknown symbol, 6 no signals server at the URL, 7 token refused,
8 address refused for now (HTTP 429), 9 server full (try again later).`,
    )
    .action(run(async (list: string[]) => (await import('./watch.js')).runWatch(list, watch.opts())));

  const history = command(root, 'history', HISTORY, HISTORY_RULES);
  history
    .description("print symbols' logged signals and decisions, from the signal log or a running server")
    .addArgument(symbolsArgument('symbols', 'ticker symbols, e.g. AAPL MSFT'))
    .addHelpText(
      'after',
      `
Examples:
  signals history AAPL                             what the signal log of this machine's \`signals serve\` kept of AAPL
  signals history AAPL MSFT --last 5               the newest five of each
  signals history AAPL --from 2026-01-05 --csv     CSV of what was logged from that day (UTC) on
  signals history AAPL --url http://host:8000 --token s3cret --jsonl | jq -c '.data'

Reads the --state-dir (default as for serve) read only, so a running server's too; or asks a server with --url.
--from and --to are when a publication was logged (the server's clock), not the market time of the analysis.

Exit codes: 0 ok, 2 bad argument or date, 3 unknown symbol, 5 no signal log in the state dir, 6 no signals server
at the URL, 7 token refused, 8 address refused for now, 9 server unavailable, 14 signal log damaged.`,
    )
    .action(run(async (list: string[]) => (await import('./history.js')).runHistory(list, history.opts())));

  root
    .command('schema')
    .description('print the JSON Schema of every protocol message (generated from the zod schemas)')
    .action(run(async () => (await import('./schema.js')).runSchema()));

  return { root, exitCode: () => status };
}

/** Runs the CLI; resolves to the process exit code. Errors print one line on stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`| head`) is not an error: stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  const { root, exitCode } = program();
  try {
    await root.parseAsync(argv);
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : ExitCode.BAD_ARGUMENT;
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
