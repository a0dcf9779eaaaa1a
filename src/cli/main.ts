// The `signals` program: commander set-up, one lazily loaded module per command, errors to exit codes.
import { Command, CommanderError, Option } from 'commander';
import { ExitCode, SignalsError } from '../protocol/errors.js';
import { VERSION } from '../version.js';
import { DEFAULT_FROM, DEFAULT_SYMBOLS, DEFAULT_URL } from './defaults.js';
import { addAnalysisOptions, addDataOption, addServerOptions } from './options.js';
import { aboveZero, httpUrl, nonBlank, tokenList, wholeNumber } from './parse.js';

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

  addServerOptions(
    addAnalysisOptions(
      root
        .command('serve')
        .description('run the WebSocket signal server with its market monitor on the replayed bundled data')
        .addOption(new Option('--host <host>', 'interface to bind').env('SIGNALS_HOST').default('127.0.0.1'))
        .addOption(new Option('--port <port>', 'port, 0 to 65535 (0 picks a free one)').env('SIGNALS_PORT').argParser(wholeNumber('--port', 0, 65535)).default(8000))
        .addOption(new Option('--symbols <list>', 'symbols the monitor always watches').env('SIGNALS_SYMBOLS').default(DEFAULT_SYMBOLS.join(',')))
        .addOption(new Option('--threshold <percent>', 'price move from the last analysis that triggers a new one').env('SIGNALS_THRESHOLD').argParser(aboveZero('--threshold')).default(1))
        .addOption(new Option('--speed <x>', 'replay speed: market time per wall time (390 = one session per minute)').env('SIGNALS_SPEED').argParser(aboveZero('--speed')).default(390))
        .addOption(new Option('--from <date>', 'first day of the replay').env('SIGNALS_FROM').default(DEFAULT_FROM))
        .addOption(new Option('--token <token...>', 'require one of these static tokens (?token= or Authorization: Bearer)').env('SIGNALS_TOKENS').argParser(tokenList('--token', 'SIGNALS_TOKENS')))
        .addOption(new Option('--jwt-secret <secret>', 'require a JWT signed with this HS256 secret').env('SIGNALS_JWT_SECRET').argParser(nonBlank('--jwt-secret', 'SIGNALS_JWT_SECRET')))
        .addOption(new Option('--jwks-url <url>', 'require a JWT verified against this JWKS').env('SIGNALS_JWKS_URL').argParser(httpUrl('--jwks-url', 'SIGNALS_JWKS_URL')))
        .addOption(new Option('--jwt-audience <aud>', "with a JWT option: the token's aud must include this").env('SIGNALS_JWT_AUDIENCE').argParser(nonBlank('--jwt-audience', 'SIGNALS_JWT_AUDIENCE')))
        .addOption(new Option('--jwt-issuer <iss>', "with a JWT option: the token's iss must be this").env('SIGNALS_JWT_ISSUER').argParser(nonBlank('--jwt-issuer', 'SIGNALS_JWT_ISSUER')))
        .addOption(new Option('--jwt-allow-no-exp', 'with a JWT option: accept tokens without an expiry (exp), which never expire'))
        .addOption(new Option('--metrics-token <token>', 'require this token for GET /metrics (?token= or Authorization: Bearer)').env('SIGNALS_METRICS_TOKEN').argParser(nonBlank('--metrics-token', 'SIGNALS_METRICS_TOKEN')))
        .addOption(new Option('--log-level <level>', 'debug, info, warn, error or silent').env('SIGNALS_LOG_LEVEL').default('info')),
    ),
    true,
  )
    .addHelpText(
      'after',
      `
Examples:
  signals serve                                   ws://127.0.0.1:8000/ws/signals, replaying from 2025-07-08
  signals serve --host 0.0.0.0 --token s3cret     reachable from other hosts, token required
  signals serve --from 2020-02-18 --speed 1560    the 2020 crash, four sessions a minute

Endpoints: /ws/signals, /ws/symbols/{symbol}, GET /ws/status, /healthz, /metrics (docs/protocol.md).`,
    )
    .action(async (options) => (await import('./serve.js')).runServe(options));

  addServerOptions(
    addAnalysisOptions(
      root
        .command('watch')
        .description('live terminal dashboard of the agents voting and the consensus (NDJSON when not a terminal)')
        .argument('<symbols...>', 'symbols to watch')
        .addOption(new Option('--url <url>', 'server to connect to').env('SIGNALS_URL').default(DEFAULT_URL))
        .addOption(new Option('--token <token...>', 'token for the server').env('SIGNALS_TOKEN'))
        .option('--local', 'run the server in-process on the bundled data (no server needed)')
        .option('--json', 'print protocol events as JSON lines instead of the dashboard')
        .addOption(new Option('--from <date>', 'with --local: first day of the replay').env('SIGNALS_FROM').default(DEFAULT_FROM))
        .addOption(new Option('--speed <x>', 'with --local: replay speed').env('SIGNALS_SPEED').argParser(aboveZero('--speed')).default(390))
        .addOption(new Option('--symbols <list>').default('').hideHelp())
        .addOption(new Option('--threshold <percent>', 'with --local: re-analysis threshold').argParser(aboveZero('--threshold')).default(1))
        .addOption(new Option('--log-level <level>').default('warn').hideHelp()),
    ),
    false,
  )
    .addHelpText(
      'after',
      `
Examples:
  signals watch AAPL MSFT NVDA --local            one command: in-process server and the dashboard
  signals watch AAPL --url ws://host:8000/ws/signals --token s3cret
  signals watch AAPL --local | jq -c 'select(.type=="signal_update")'

Keys: up/down select, a analyse now, + add a symbol, - remove the selected one, ? help, q/Esc/Ctrl-C quit.

Exit codes: 0 ok, 2 bad argument, 3 unknown symbol, 6 nothing answered, 7 token refused, 8 address refused for now
(HTTP 429), 9 server full (try again later).`,
    )
    .action(async (symbols: string[], options) => (await import('./watch.js')).runWatch(symbols, options));

  root
    .command('schema')
    .description('print the JSON Schema of every protocol message (generated from the zod schemas)')
    .action(async () => (await import('./schema.js')).runSchema());

  return root;
}

/** Runs the CLI; resolves to the process exit code. Errors print one line on stderr, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`| head`) is not an error: stop quietly, as Unix tools do.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
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
