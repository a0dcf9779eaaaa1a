// The `signals` program: commander set-up, one lazily loaded module per command, errors to exit codes.
import { Argument, Command, CommanderError } from 'commander';
import { isSignalsError, SignalsError, type ErrorCode } from '../protocol/errors.js';
import { VERSION } from '../version.js';
import { completionScript, SHELLS, type Shell } from './completion.js';
import { effectiveRows, formatRows, settingsSpec } from './config-command.js';
import { configKeys, configPath, readConfig, type ConfigFile } from './config.js';
import { ExitCode, exitCodesHelp } from './exit-codes.js';
import { addOptions, checkOptions, symbolsArgument as symbolsArg, type Applicability, type AsyncCheck, type Spec } from './option-spec.js';
import { ANALYZE_RULES, BACKTEST_RULES, HISTORY_RULES, RANK_RULES, SERVE_CHECKS, SERVE_RULES, WATCH_RULES } from './option-rules.js';
import { ANALYZE, BACKTEST, CONFIG, DATA_COMMAND, HISTORY, RANK, REPAIR, SERVE, SYMBOLS, TABLES, WATCH, type WatchOptions } from './options.js';

/** Commander's errors start `error: `; the CLI's own start `signals: `, and so do commander's here. */
const SIGNALS_OUTPUT = { outputError: (text: string, write: (text: string) => void) => write(text.replace(/^error: /, 'signals: ')) };

/** Exit codes several commands share, named once for their --help. */
const PROVIDER_EXITS = ['PROVIDER_AUTH_FAILED', 'PROVIDER_UNAVAILABLE'] as const satisfies ErrorCode[];
const SERVER_EXITS = ['CONNECTION_FAILED', 'AUTH_FAILED', 'RATE_LIMITED', 'SERVER_BUSY'] as const satisfies ErrorCode[];
const ANALYZE_EXITS = [
  'UNKNOWN_SYMBOL',
  'DATE_OUT_OF_RANGE',
  'DATA_ERROR',
  'ANALYSIS_FAILED',
  ...PROVIDER_EXITS,
  'CONFIG_INVALID',
] as const satisfies ErrorCode[];
const NO_LOG = { DATA_ERROR: 'no signal log in the state dir' };
const ALL_EXITS = Object.keys(ExitCode) as ErrorCode[];

/**
 * A command whose options are all declared in `spec`, completed from the config file and checked against `rules`
 * and `checks` before its action.
 */
function commandOf(
  parent: Command,
  name: string,
  spec: Spec,
  rules: Applicability[] = [],
  checks: Record<string, AsyncCheck> = {},
  inspect = false,
  declared = true,
): Command {
  const sub = declared ? addOptions(parent.command(name), spec) : parent.command(name);
  return sub.hook('preAction', async () => {
    const file = await configFile(sub);
    await checkOptions(sub, rules, checks, { file, spec });
    if (inspect) process.stdout.write(formatRows(effectiveRows(sub, spec, file, 'flag'), file));
  });
}

/** The config file named by the command's --config (or SIGNALS_CONFIG), or the default one, read and validated. */
function configFile(command: Command): Promise<ConfigFile> {
  const given: unknown = command.getOptionValue('config');
  const where = configPath(typeof given === 'string' ? given : undefined);
  return readConfig(where.path, where.explicit, configKeys(Object.values(TABLES)));
}

/** `signals config` without a command: every setting the config file can hold, from the environment, the file or the default. */
async function printSettings(given: string | undefined): Promise<void> {
  const spec = settingsSpec(Object.values(TABLES));
  const settings = addOptions(new Command('config'), { ...spec, ...CONFIG })
    .exitOverride()
    .configureOutput(SIGNALS_OUTPUT);
  await settings.parseAsync(given === undefined ? [] : ['--config', given], { from: 'user' });
  const file = await configFile(settings);
  await checkOptions(settings, [], {}, { file, spec });
  process.stdout.write(formatRows(effectiveRows(settings, spec, file, 'key'), file));
}

/** The symbols `watch` shows: those given, else the watchlist (SIGNALS_WATCHLIST or the config file's). */
function watchlist(given: string[] | undefined, options: WatchOptions): string[] {
  const symbols = given !== undefined && given.length > 0 ? given : (options.watchlist ?? []);
  if (symbols.length === 0) {
    throw new SignalsError('BAD_ARGUMENT', 'give symbols to watch (signals watch AAPL MSFT), or a "watchlist" in the config file');
  }
  return symbols;
}

/**
 * The program. With `inspect` (`signals config COMMAND ...`), each command parses and checks its options, prints
 * them with their sources, and does not run; its symbols are optional.
 */
function program(inspect = false, only?: string): { root: Command; exitCode: () => number } {
  let status = 0;
  /** Runs a command; a command that reports partial failure resolves to its exit code. */
  const run =
    <A extends unknown[]>(action: (...args: A) => Promise<number | void>) =>
    async (...args: A) => {
      if (!inspect) status = (await action(...args)) ?? 0;
    };
  const command = (parent: Command, name: string, spec: Spec, rules: Applicability[] = [], checks: Record<string, AsyncCheck> = {}) =>
    commandOf(parent, name, spec, rules, checks, inspect, only === undefined || only === name);
  const symbolsArgument = (name: string, description: string, required = true) => symbolsArg(name, description, required && !inspect);
  const root = new Command('signals')
    .description('Trading signals from several analysis agents voting side by side, live over WebSocket.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    // Before the subcommands, which copy it: the parser's errors read like every other error (`signals: ...`).
    .configureOutput(SIGNALS_OUTPUT)
    .enablePositionalOptions()
    .exitOverride()
    .addHelpText(
      'after',
      `
Examples:
  signals analyze AAPL                 the agents' votes and the consensus for AAPL's last bundled day
  signals analyze AAPL MSFT --json     JSON for scripts
  signals serve                        WebSocket server on 127.0.0.1:8000 replaying the bundled data
  signals watch AAPL MSFT --local      live terminal dashboard, no server needed

${exitCodesHelp(ALL_EXITS, { partial: true })}
Each command's --help lists its own.`,
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
  signals analyze AAPL --provider yahoo --json   (as of now, from Yahoo; cached)

${exitCodesHelp(ANALYZE_EXITS, { partial: true })}
With several symbols that all fail: the first one's code.`,
    )
    .action(run(async (symbols: string[]) => (await import('./analyze.js')).runAnalyze(symbols, analyze.opts())));

  const backtest = command(root, 'backtest', BACKTEST, BACKTEST_RULES);
  backtest
    .description('walk-forward evaluation: analyse each trading day as of its close, trade at the next open, measure it')
    .addArgument(symbolsArgument('symbols', 'ticker symbols, e.g. AAPL MSFT (none with --universe sp500)', false))
    .addHelpText(
      'after',
      `
Examples:
  signals backtest AAPL --from 2024-01-02 --to 2024-12-31
  signals backtest AAPL MSFT NVDA --from 2019-01-02 --to 2025-10-01 --report bt.html --csv steps.csv
  signals backtest JPM --every 5 --horizon 5,21 --allow-short --json | jq '.symbols[0].strategy'
  signals backtest AAPL --reference-consensus --weights technical=2
  signals backtest --universe sp500 --to 2018-12-31 --every 21 --json > sp500.json

Each step is what \`signals analyze SYMBOL --as-of DATE\` prints, traded at the next open (docs/backtest.md). With
--universe sp500, each stock is walked on the days it was a member and had a price; what could not be counted is
reported (the member-days without prices, docs/universe.md).
${exitCodesHelp(['UNKNOWN_SYMBOL', 'DATE_OUT_OF_RANGE', 'DATA_ERROR', 'ANALYSIS_FAILED', 'CONFIG_INVALID'])}`,
    )
    .action(run(async (list?: string[]) => (await import('./backtest.js')).runBacktestCommand(list ?? [], backtest.opts())));

  const symbols = command(root, 'symbols', SYMBOLS);
  symbols
    .description('list the symbols that can be analysed, with their date ranges')
    .addHelpText('after', `\n${exitCodesHelp(['DATE_OUT_OF_RANGE', 'DATA_ERROR', 'CONFIG_INVALID'])}`)
    .action(run(async () => (await import('./symbols.js')).runSymbols(symbols.opts())));

  const data = command(root, 'data', DATA_COMMAND);
  data
    .description("fetch the universe's daily bars from Yahoo into a data folder (cached), for --data-dir")
    .addHelpText(
      'after',
      `
Examples:
  signals data --from 2005-01-03 --out ~/signals-data      # every S&P 500 member of the span Yahoo still has
  signals symbols --universe sp500 --data-dir ~/signals-data

${exitCodesHelp(['DATA_ERROR', 'PROVIDER_UNAVAILABLE', 'CONFIG_INVALID'])}`,
    )
    .action(run(async () => (await import('./data.js')).runData(data.opts())));

  const rank = command(root, 'rank', RANK, RANK_RULES);
  rank
    .description("rank a universe's members on one day by the consensus and by each agent, with percentiles, evidence and regime")
    .addHelpText(
      'after',
      `
Examples:
  signals rank                                     the bundled stocks on the last bundled day, top and bottom 10
  signals rank --universe sp500 --as-of 2008-09-12 --top 20
  signals rank --universe sp500 --json | jq -r '.rows[:5][] | [.symbol, .action, .agreement] | @tsv'
  signals rank --csv > ranks.csv                   one row per ranked symbol

Each member with a bar that day is analysed as \`signals analyze SYMBOL --as-of DATE\` would be, and ranked by the
consensus's weighted agreement (then its confidence); each agent's raw score gets its own percentile. The members
without a bar that day are counted and listed (docs/universe.md). On a day the market was closed: the day before.
${exitCodesHelp(['DATE_OUT_OF_RANGE', 'DATA_ERROR', 'ANALYSIS_FAILED', 'CONFIG_INVALID'], { partial: true })}`,
    )
    .action(run(async () => (await import('./rank.js')).runRank(rank.opts())));

  const serve = command(root, 'serve', SERVE, SERVE_RULES, SERVE_CHECKS);
  serve
    .description('run the WebSocket signal server with its market monitor on the replayed bundled data or a live provider')
    .addHelpText(
      'after',
      `
Examples:
  signals serve                                   ws://127.0.0.1:8000/ws/signals, replaying from 2025-07-08
  signals serve --host 0.0.0.0 --token s3cret     reachable from other hosts, token required
  signals serve --token alpha --token beta        either token is accepted
  signals serve --from 2020-02-18 --speed 1560    the 2020 crash, four sessions a minute
  signals serve --webhook https://alerts.example/hook --webhook-secret "$SECRET"    BUY/SELL signals POSTed, signed
  signals serve --provider alpaca                 live prices (APCA_API_KEY_ID, APCA_API_SECRET_KEY)

Endpoints: /ws/signals, /ws/symbols/{symbol}, GET /ws/status, /healthz, /metrics (docs/protocol.md).

${exitCodesHelp(['UNKNOWN_SYMBOL', 'DATA_ERROR', 'STATE_LOCKED', 'STATE_UNWRITABLE', 'STATE_CORRUPT', 'STATE_UNSAFE', ...PROVIDER_EXITS, 'PROVIDER_LIMIT', 'CONFIG_INVALID'])}`,
    )
    .action(run(async () => (await import('./serve.js')).runServe(serve.opts())));

  const watch = command(root, 'watch', WATCH, WATCH_RULES);
  watch
    .description('live terminal dashboard of the agents voting and the consensus (NDJSON when not a terminal)')
    .addArgument(symbolsArgument('symbols', 'symbols to watch (default: the watchlist of the config file)', false))
    .addHelpText(
      'after',
      `
Examples:
  signals watch AAPL MSFT NVDA --local            one command: in-process server and the dashboard
  signals watch AAPL --url ws://host:8000/ws/signals --token s3cret
  signals watch AAPL --local | jq -c 'select(.type=="signal_update")'

The analysis, replay and limit options apply only with --local; --url and --token only without it.
Keys: up/down select, a analyse now, + add a symbol, - remove the selected one, ? help, q/Ctrl-C quit
(Esc closes a prompt or a view, never quits).

${exitCodesHelp(['UNKNOWN_SYMBOL', ...SERVER_EXITS, ...PROVIDER_EXITS, 'CONFIG_INVALID'])}
Provider errors only with --local.`,
    )
    .action(run(async (list?: string[]) => (await import('./watch.js')).runWatch(watchlist(list, watch.opts()), watch.opts())));

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

${exitCodesHelp(['UNKNOWN_SYMBOL', 'DATA_ERROR', ...SERVER_EXITS, 'STATE_CORRUPT', 'CONFIG_INVALID'], { say: NO_LOG })}`,
    )
    .action(run(async (list: string[]) => (await import('./history.js')).runHistory(list, history.opts())));

  const repair = command(root, 'repair', REPAIR);
  repair
    .description('keep every intact record of a damaged signal log (STATE_CORRUPT) and say what was dropped')
    .addHelpText(
      'after',
      `
Examples:
  signals repair                                   the default state dir (as for serve); stop the server first
  signals repair --state-dir /var/lib/signals --json

Each damaged segment is rewritten with its intact records; the original is kept in <state dir>/damaged/.
Clients whose cursor crosses what was dropped are told so (recovered: false, with the missing seqs).
${exitCodesHelp(['DATA_ERROR', 'STATE_LOCKED', 'STATE_UNWRITABLE', 'STATE_UNSAFE', 'CONFIG_INVALID'], { say: NO_LOG })}
0 also when there was nothing to repair.`,
    )
    .action(run(async () => (await import('./repair.js')).runRepair(repair.opts())));

  const config = addOptions(root.command('config'), CONFIG);
  config
    .description('print the effective settings and where each came from: flag, environment, config file or default (secrets masked)')
    .argument('[command]', 'a command whose options to show, followed by any of its options')
    .argument('[options...]', "the command's options and arguments, as you would give them")
    .passThroughOptions()
    .allowUnknownOption()
    .addHelpText(
      'after',
      `
Examples:
  signals config                                  every setting the config file can hold, and its value now
  signals config serve --port 9000                what \`signals serve --port 9000\` would run with
  SIGNALS_URL=ws://host:8000/ws/signals signals config watch

Precedence: flags > environment > config file > defaults. The config file is JSON: $XDG_CONFIG_HOME/signals/config.json
(~/.config/signals/config.json), or --config FILE, or SIGNALS_CONFIG; its keys are listed by \`signals config\`.
${exitCodesHelp(['CONFIG_INVALID'])}`,
    )
    .action(
      run(async (name: string | undefined, rest: string[]) => {
        const given = config.opts().config as string | undefined;
        if (name === undefined) return printSettings(given);
        if (!(name in TABLES)) throw new SignalsError('BAD_ARGUMENT', `unknown command "${name}"; one of ${Object.keys(TABLES).join(', ')}`);
        const inner = program(true).root;
        await inner.parseAsync([name, ...rest, ...(given === undefined || rest.includes('--config') ? [] : ['--config', given])], { from: 'user' });
      }),
    );

  root
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'the shell').choices(SHELLS))
    .addHelpText(
      'after',
      `
Install:
  bash   echo 'source <(signals completion bash)' >> ~/.bashrc
  zsh    signals completion zsh > "\${fpath[1]}/_signals"      (or: source <(signals completion zsh) in ~/.zshrc)
  fish   signals completion fish > ~/.config/fish/completions/signals.fish

${exitCodesHelp([])}`,
    )
    .action(
      run(async (shell: Shell) => {
        process.stdout.write(completionScript(shell, root));
      }),
    );

  root
    .command('schema')
    .description('print the JSON Schema of every protocol message (generated from the zod schemas)')
    .addHelpText('after', `\n${exitCodesHelp([])}`)
    .action(run(async () => (await import('./schema.js')).runSchema()));

  return { root, exitCode: () => status };
}

/**
 * The command a command line runs, when it is one with options of its own: only that command's options are then
 * declared (declaring every command's took several milliseconds of each start). Any other line (help, completion,
 * config, no command, a mistyped one) declares them all.
 */
function commandIn(argv: string[]): string | undefined {
  const name = argv.slice(2).find((arg) => !arg.startsWith('-'));
  return name !== undefined && Object.hasOwn(TABLES, name) ? name : undefined;
}

/** Runs the CLI; resolves to the process exit code. Errors print one line on stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`| head`) is not an error: stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  const { root, exitCode } = program(false, commandIn(argv));
  try {
    await root.parseAsync(argv);
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0 ? 0 : ExitCode.BAD_ARGUMENT;
    }
    if (isSignalsError(error)) {
      process.stderr.write(`signals: ${error.message}\n`);
      return ExitCode[error.code];
    }
    process.stderr.write(`signals: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.SIGNALS_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
    return ExitCode.INTERNAL;
  }
}
