// Every command's options, each declared once: flag, help, environment variable, parser, default (see option-rules.ts for when each applies).
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_LLM_MODEL, type LlmConfig } from '../agents/sentiment/llm.js';
import { DEFAULT_LEASE_MS } from '../core/cluster.js';
import { LEVELS, type Level } from '../core/log.js';
import { defaultStateDir } from '../log/state-dir.js';
import { DEFAULT_RETENTION, FSYNC_POLICIES, type FsyncPolicy } from '../log/signal-log.js';
import { SESSION_MINUTES } from '../market/session.js';
import { UNIVERSES, type UniverseName } from '../market/universe.js';
import { DEFAULT_CONSENSUS, REFERENCE_CONSENSUS, type ConsensusConfig } from '../orchestrator/consensus.js';
import { DEFAULT_AGENT_TIMEOUT_MS } from '../orchestrator/orchestrator.js';
import { defaultProviderCacheDir } from '../providers/disk-cache.js';
import {
  ALPACA_FEEDS,
  DEFAULT_ALPACA_DATA_URL,
  DEFAULT_ALPACA_STREAM_URL,
  DEFAULT_FRED_URL,
  DEFAULT_YAHOO_URL,
  type AlpacaFeedName,
} from '../providers/endpoints.js';
import { PROVIDERS, type ProviderName } from '../providers/provider.js';
import { DEFAULT_LIMITS } from '../server/limits.js';
import { DEFAULT_FROM, DEFAULT_PRICE_RATE, DEFAULT_SEED, DEFAULT_SYMBOLS, DEFAULT_THRESHOLD_PCT, DEFAULT_URL } from './defaults.js';
import { ExitCode } from './exit-codes.js';
import { flag, optional, withDefault, type Spec, type Values } from './option-spec.js';
import {
  aboveZero,
  BadValue,
  calendarDate,
  dateOrTime,
  decimal,
  folder,
  formatDateOrTime,
  formatRetention,
  formatWeights,
  httpUrl,
  httpUrlList,
  nonBlank,
  once,
  oneOf,
  redisUrl,
  retention,
  symbolList,
  tokenList,
  weights,
  wholeNumber,
  wsUrl,
  type Parser,
} from './parse.js';

/** Every command's --config: the file of settings below flags and the environment (config.ts). */
export const CONFIG = {
  config: optional({
    arg: 'file',
    help: 'config file (default: $XDG_CONFIG_HOME/signals/config.json)',
    env: 'SIGNALS_CONFIG',
    parse: nonBlank(),
    configKey: false,
  }),
};

export const DATA = {
  dataDir: optional({
    arg: 'dir',
    help: 'folder of SYMBOL.csv files (Date,Open,High,Low,Close[,Adj Close],Volume) that add to or override the bundled data',
    env: 'SIGNALS_DATA_DIR',
    parse: folder(),
  }),
};

const ref = (value: number) => `${value} with --reference-consensus`;

/** The data, the consensus formula, the sentiment LLM and the agent time limit: everything an analysis depends on. */
export const ANALYSIS = {
  ...DATA,
  minConfidence: optional({
    arg: 'x',
    help: `vote formula (--reference-consensus) only: drop agent votes below this confidence, 0 to 1 (default ${REFERENCE_CONSENSUS.minConfidence})`,
    env: 'SIGNALS_MIN_CONFIDENCE',
    parse: decimal(0, 1),
  }),
  gate: optional({
    arg: 'x',
    help: `vote formula (--reference-consensus) only: consensus weight below which no signal is given, 0 to 1 (default ${REFERENCE_CONSENSUS.gate})`,
    env: 'SIGNALS_GATE',
    parse: decimal(0, 1),
  }),
  quorum: optional({
    arg: 'n',
    help: `completed agents needed for a signal, 0 to 100 (default ${DEFAULT_CONSENSUS.quorum}; ${ref(REFERENCE_CONSENSUS.quorum)})`,
    env: 'SIGNALS_QUORUM',
    parse: wholeNumber(0, 100),
  }),
  weights: optional({
    arg: 'list',
    help: 'agent weights 0 to 100, e.g. technical=1.5,sentiment=0.5 (default 1 each)',
    env: 'SIGNALS_WEIGHTS',
    parse: weights(),
    format: formatWeights,
  }),
  referenceConsensus: flag({
    help: "use the old service's vote formula unchanged, on the agents' own votes, instead of the evidence consensus",
    configKey: 'referenceConsensus',
  }),
  strict: flag({
    help: 'call only on a demonstrated edge: an agent weighs in the consensus only while its record passes the edge test (t >= 2), so without one every call is HOLD',
    configKey: 'strict',
    conflicts: ['referenceConsensus'],
  }),
  llmUrl: optional({
    arg: 'url',
    help: 'OpenAI-compatible API for headline sentiment, e.g. http://127.0.0.1:8001/v1',
    env: 'SIGNALS_LLM_URL',
    parse: httpUrl(),
  }),
  llmModel: withDefault({ arg: 'name', help: 'model name for --llm-url', env: 'SIGNALS_LLM_MODEL', parse: nonBlank(), default: DEFAULT_LLM_MODEL }),
  agentTimeout: withDefault({
    arg: 'ms',
    help: 'time limit per agent in milliseconds, 1 to 600000',
    env: 'SIGNALS_AGENT_TIMEOUT',
    parse: wholeNumber(1, 600_000),
    default: DEFAULT_AGENT_TIMEOUT_MS,
  }),
};
export type AnalysisOptions = Values<typeof ANALYSIS>;

/** The replay seed and the server's limits, with their ranges. */
export const SERVER = {
  seed: withDefault({
    arg: 'n',
    help: 'seed of the synthetic intraday paths (0 to 4294967295)',
    env: 'SIGNALS_SEED',
    parse: wholeNumber(0, 2 ** 32 - 1),
    default: DEFAULT_SEED,
  }),
  priceRate: withDefault({
    arg: 'n',
    help: 'price updates per second per symbol, at most (0.01 to 1000)',
    env: 'SIGNALS_PRICE_RATE',
    parse: decimal(0.01, 1000),
    default: DEFAULT_PRICE_RATE,
  }),
  maxConnections: withDefault({
    arg: 'n',
    help: 'connections in total (1 to 1000000)',
    env: 'SIGNALS_MAX_CONNECTIONS',
    parse: wholeNumber(1, 1_000_000),
    default: DEFAULT_LIMITS.maxConnections,
  }),
  maxConnectionsPerAddress: withDefault({
    arg: 'n',
    help: 'TCP connections (HTTP and WebSocket) from one address at once (1 to 1000000); raise it behind a proxy',
    env: 'SIGNALS_MAX_CONNECTIONS_PER_ADDRESS',
    parse: wholeNumber(1, 1_000_000),
    default: DEFAULT_LIMITS.maxConnectionsPerAddress,
  }),
  maxQueuedMib: withDefault({
    arg: 'n',
    help: 'MiB waiting to be sent to all clients together; past it, clients holding more than their share are closed as slow consumers (1 to 1048576)',
    env: 'SIGNALS_MAX_QUEUED_MIB',
    parse: wholeNumber(1, 1_048_576),
    default: DEFAULT_LIMITS.maxQueuedBytes / 1024 / 1024,
  }),
  maxSubscriptions: withDefault({
    arg: 'n',
    help: 'subscriptions per connection (1 to 100000)',
    env: 'SIGNALS_MAX_SUBSCRIPTIONS',
    parse: wholeNumber(1, 100_000),
    default: DEFAULT_LIMITS.maxSubscriptions,
  }),
  messageRate: withDefault({
    arg: 'n',
    help: 'messages per second per connection, burst twice that (1 to 10000)',
    env: 'SIGNALS_MESSAGE_RATE',
    parse: decimal(1, 10_000),
    default: DEFAULT_LIMITS.messagesPerSecond,
  }),
  analyzeRate: withDefault({
    arg: 'n',
    help: 'analyze requests per second per connection, burst five times that (0.01 to 1000)',
    env: 'SIGNALS_ANALYZE_RATE',
    parse: decimal(0.01, 1000),
    default: DEFAULT_LIMITS.analyzePerSecond,
  }),
  analyzeRateTotal: withDefault({
    arg: 'n',
    help: 'analyses per second that clients cause, all connections together (analyze requests and subscriptions to symbols outside --symbols), burst five times that (0.01 to 100000)',
    env: 'SIGNALS_ANALYZE_RATE_TOTAL',
    parse: decimal(0.01, 100_000),
    default: DEFAULT_LIMITS.analyzeTotalPerSecond,
  }),
};

const REPLAY = {
  threshold: withDefault({
    arg: 'percent',
    help: 'price move from the last analysis that triggers a new one',
    env: 'SIGNALS_THRESHOLD',
    parse: aboveZero(),
    default: DEFAULT_THRESHOLD_PCT,
  }),
  speed: withDefault({
    arg: 'x',
    help: `replay speed: market time per wall time (${SESSION_MINUTES} = one session per minute)`,
    env: 'SIGNALS_SPEED',
    parse: aboveZero(),
    default: SESSION_MINUTES,
  }),
  from: withDefault({ arg: 'date', help: 'first day of the replay', env: 'SIGNALS_FROM', parse: calendarDate(), default: DEFAULT_FROM }),
};

/** Where market data comes from: the provider, its cache, its URLs (keys come from the environment only, see README). */
export const PROVIDER = {
  provider: withDefault<ProviderName>({
    arg: 'name',
    help: 'market data: replay (the bundled data, offline), yahoo (no key), alpaca (APCA_API_KEY_ID and APCA_API_SECRET_KEY); FRED_API_KEY adds FRED macro data to any',
    env: 'SIGNALS_PROVIDER',
    choices: PROVIDERS,
    parse: oneOf(PROVIDERS),
    default: 'replay',
  }),
  offline: flag({ help: "use only the provider cache (whatever its age), never the provider's servers" }),
  cacheDir: withDefault({
    arg: 'dir',
    help: 'where provider answers are cached',
    env: 'SIGNALS_CACHE_DIR',
    parse: nonBlank(),
    default: defaultProviderCacheDir(),
  }),
  alpacaFeed: withDefault<AlpacaFeedName>({
    arg: 'feed',
    help: "alpaca's data feed: iex (free plan, 30 symbols) or sip (paid plans)",
    env: 'SIGNALS_ALPACA_FEED',
    choices: ALPACA_FEEDS,
    parse: oneOf(ALPACA_FEEDS),
    default: 'iex',
  }),
  yahooUrl: withDefault({
    arg: 'url',
    help: 'base URL of the Yahoo chart API',
    env: 'SIGNALS_YAHOO_URL',
    parse: httpUrl(),
    default: DEFAULT_YAHOO_URL,
  }),
  alpacaDataUrl: withDefault({
    arg: 'url',
    help: "base URL of Alpaca's market-data REST API",
    env: 'SIGNALS_ALPACA_DATA_URL',
    parse: httpUrl(),
    default: DEFAULT_ALPACA_DATA_URL,
  }),
  alpacaStreamUrl: withDefault({
    arg: 'url',
    help: "base URL of Alpaca's market-data stream",
    env: 'SIGNALS_ALPACA_STREAM_URL',
    parse: wsUrl(),
    default: DEFAULT_ALPACA_STREAM_URL,
  }),
  fredUrl: withDefault({ arg: 'url', help: 'base URL of the FRED API', env: 'SIGNALS_FRED_URL', parse: httpUrl(), default: DEFAULT_FRED_URL }),
  marketClock: optional({
    arg: 'time',
    help: 'start the market clock of a live provider at this ISO time, running at wall speed (for recorded data)',
    parse: dateOrTime('start'),
    format: formatDateOrTime('start'),
    hidden: true,
  }),
};
export type ProviderOptions = Values<typeof PROVIDER>;

/** Which symbols a command works over (src/market/universe.ts); also the config key `universe`. */
export const UNIVERSE = {
  universe: withDefault<UniverseName>({
    arg: 'name',
    help: 'bundled: the bundled symbols, members every day; sp500: the S&P 500 as it was on each day',
    env: 'SIGNALS_UNIVERSE',
    choices: UNIVERSES,
    parse: oneOf(UNIVERSES),
    default: 'bundled',
  }),
};

/** A live feed's options: how often Yahoo is asked, and whether a replay starts again at its end. */
const FEED = {
  pollInterval: withDefault({
    arg: 'seconds',
    help: 'with --provider yahoo: seconds between rounds of quote requests (one per watched symbol), 1 to 3600',
    env: 'SIGNALS_POLL_INTERVAL',
    parse: decimal(1, 3600),
    default: 15,
  }),
  loop: flag({ help: 'at the end of the replayed data, start again at --from (the default)', negatable: 'stop at the end of the replayed data' }),
};

export const SERVE = {
  host: withDefault({ arg: 'host', help: 'interface to bind', env: 'SIGNALS_HOST', parse: nonBlank(), default: '127.0.0.1' }),
  port: withDefault({ arg: 'port', help: 'port, 0 to 65535 (0 picks a free one)', env: 'SIGNALS_PORT', parse: wholeNumber(0, 65535), default: 8000 }),
  symbols: withDefault({
    arg: 'list',
    help: 'symbols the monitor always watches',
    env: 'SIGNALS_SYMBOLS',
    parse: symbolList(),
    default: DEFAULT_SYMBOLS,
    defaultHelp: DEFAULT_SYMBOLS.join(','),
  }),
  ...UNIVERSE,
  ...REPLAY,
  ...FEED,
  ...PROVIDER,
  token: optional({
    arg: 'token',
    help: 'require this static token (?token= or Authorization: Bearer); repeat it, or give a comma-separated list, for several',
    env: 'SIGNALS_TOKENS',
    parse: tokenList(),
    secret: true,
  }),
  jwtSecret: optional({
    arg: 'secret',
    help: 'require a JWT signed with this HS256 secret',
    env: 'SIGNALS_JWT_SECRET',
    parse: nonBlank(),
    secret: true,
    conflicts: ['jwksUrl'],
  }),
  jwksUrl: optional({ arg: 'url', help: 'require a JWT verified against this JWKS', env: 'SIGNALS_JWKS_URL', parse: httpUrl() }),
  jwtAudience: optional({ arg: 'aud', help: "with a JWT option: the token's aud must include this", env: 'SIGNALS_JWT_AUDIENCE', parse: nonBlank() }),
  jwtIssuer: optional({ arg: 'iss', help: "with a JWT option: the token's iss must be this", env: 'SIGNALS_JWT_ISSUER', parse: nonBlank() }),
  jwtAllowNoExp: flag({ help: 'with a JWT option: accept tokens without an expiry (exp), which never expire' }),
  metricsToken: optional({
    arg: 'token',
    help: 'require this token for GET /metrics (?token= or Authorization: Bearer)',
    env: 'SIGNALS_METRICS_TOKEN',
    parse: nonBlank(),
    secret: true,
  }),
  stateDir: withDefault({
    arg: 'dir',
    help: 'where the signal log is kept (one server per folder)',
    env: 'SIGNALS_STATE_DIR',
    parse: nonBlank(),
    default: defaultStateDir(),
  }),
  retention: withDefault({
    arg: 'spec',
    help: "publications kept per symbol: a count, an age (90d, 12h) or both (10000,90d); never a symbol's newest",
    env: 'SIGNALS_RETENTION',
    parse: retention(DEFAULT_RETENTION),
    format: formatRetention,
    default: DEFAULT_RETENTION,
    defaultHelp: '10000,90d',
  }),
  fsync: withDefault<FsyncPolicy>({
    arg: 'policy',
    help: 'when the log reaches the disk: always (each publication), interval (every 200 ms) or never (the OS decides); a killed process loses nothing either way',
    env: 'SIGNALS_FSYNC',
    choices: FSYNC_POLICIES,
    parse: oneOf(FSYNC_POLICIES),
    default: 'interval',
  }),
  webhook: optional({
    arg: 'url',
    help: 'POST each BUY and SELL signal_update to this http(s) URL, at least once (repeat, or a comma-separated list, for several)',
    env: 'SIGNALS_WEBHOOKS',
    parse: httpUrlList(),
    secret: true,
  }),
  webhookSecret: optional({
    arg: 'secret',
    help: 'with --webhook: sign each request with this HMAC-SHA256 secret (header Signals-Signature)',
    env: 'SIGNALS_WEBHOOK_SECRET',
    parse: nonBlank(),
    secret: true,
  }),
  webhookAll: flag({ help: 'with --webhook: send every publication (every signal_update and decision_update)', configKey: 'webhookAll' }),
  webhookTimeout: withDefault({
    arg: 'ms',
    help: 'with --webhook: a request without an answer within this many milliseconds has failed (100 to 600000)',
    env: 'SIGNALS_WEBHOOK_TIMEOUT',
    parse: wholeNumber(100, 600_000),
    default: 10_000,
  }),
  redisUrl: optional({
    arg: 'url',
    help: 'run as one node of a cluster on this Redis (signal log, leases, relays), e.g. redis://127.0.0.1:6379/0; rediss:// for TLS, a password in the URL',
    env: 'SIGNALS_REDIS_URL',
    parse: redisUrl(),
    // It may carry a password.
    secret: true,
  }),
  leaseMs: withDefault({
    arg: 'ms',
    help: "with --redis-url: within this time a dead node's symbols are analysed by another, 300 to 600000",
    env: 'SIGNALS_LEASE_MS',
    parse: wholeNumber(300, 600_000),
    default: DEFAULT_LEASE_MS,
  }),
  web: flag({
    help: 'serve the web view at GET / on the same port (the default)',
    negatable: 'serve no web view: GET / is 404',
    configKey: 'web',
  }),
  logLevel: withDefault<Level>({
    arg: 'level',
    help: 'how much to log',
    env: 'SIGNALS_LOG_LEVEL',
    choices: LEVELS,
    parse: oneOf(LEVELS),
    default: 'info',
  }),
  ...SERVER,
  ...ANALYSIS,
  ...CONFIG,
};
export type ServeOptions = Values<typeof SERVE>;

/** Hidden and without environment variables: the in-process server of `watch --local` takes these only as flags. */
function flagsOnly<S extends Spec>(spec: S): S {
  return Object.fromEntries(Object.entries(spec).map(([name, s]) => [name, { ...s, env: undefined, hidden: true }])) as S;
}

const color = flag({ help: 'colour even when not on a terminal or NO_COLOR is set', negatable: 'no colour' });

export const WATCH = {
  url: withDefault({ arg: 'url', help: 'server to connect to', env: 'SIGNALS_URL', parse: wsUrl(), default: DEFAULT_URL }),
  token: optional({
    arg: 'token',
    help: 'token for the server',
    env: 'SIGNALS_TOKEN',
    parse: once(nonBlank(), 'the client sends one token'),
    secret: true,
  }),
  watchlist: optional({
    arg: 'list',
    help: 'symbols to watch when none are given (the config file\'s "watchlist", which the dashboard saves)',
    env: 'SIGNALS_WATCHLIST',
    parse: symbolList(),
    hidden: true,
  }),
  local: flag({ help: 'run the server in-process on the bundled data (no server needed)' }),
  json: flag({ help: 'print protocol events as JSON lines instead of the dashboard' }),
  bell: flag({ help: 'ring the terminal bell when a symbol turns BUY or SELL', configKey: 'bell' }),
  color,
  from: withDefault({
    arg: 'date',
    help: 'with --local: first day of the replay',
    env: 'SIGNALS_FROM',
    parse: calendarDate(),
    default: DEFAULT_FROM,
  }),
  speed: withDefault({ arg: 'x', help: 'with --local: replay speed', env: 'SIGNALS_SPEED', parse: aboveZero(), default: SESSION_MINUTES }),
  threshold: withDefault({ arg: 'percent', help: 'with --local: re-analysis threshold', parse: aboveZero(), default: DEFAULT_THRESHOLD_PCT }),
  universe: { ...UNIVERSE.universe, help: `with --local: ${UNIVERSE.universe.help}` },
  ...FEED,
  ...PROVIDER,
  ...flagsOnly(SERVER),
  ...ANALYSIS,
  ...CONFIG,
};
export type WatchOptions = Values<typeof WATCH>;

export const ANALYZE = {
  json: flag({ help: 'print JSON: one object for one symbol, an array for several', conflicts: ['jsonl'] }),
  jsonl: flag({ help: 'print JSON lines: one object per symbol, one per line' }),
  asOf: optional({
    arg: 'date',
    help: 'analyse as of this day (YYYY-MM-DD); default: the last day of data',
    env: 'SIGNALS_AS_OF',
    parse: calendarDate(),
  }),
  color,
  ...UNIVERSE,
  ...PROVIDER,
  ...ANALYSIS,
  ...CONFIG,
};
export type AnalyzeOptions = Values<typeof ANALYZE>;

export const SYMBOLS = {
  json: flag({ help: 'print JSON' }),
  asOf: optional({
    arg: 'date',
    help: "list the universe's members on this day (YYYY-MM-DD); default: the last day of data",
    env: 'SIGNALS_AS_OF',
    parse: calendarDate(),
  }),
  ...UNIVERSE,
  ...DATA,
  ...CONFIG,
};
export type SymbolsOptions = Values<typeof SYMBOLS>;

/** `signals data` builds the S&P 500 universe's file: the one universe whose bars are not all bundled as CSVs. */
export const DATA_COMMAND = {
  from: withDefault({ arg: 'date', help: 'first day of bars to fetch', parse: calendarDate(), default: '2005-01-03' }),
  to: optional({ arg: 'date', help: 'last day of bars to fetch (default: today)', parse: calendarDate() }),
  out: withDefault({
    arg: 'dir',
    help: 'where to write universe/sp500-daily.bin and the membership beside it (then: --data-dir DIR)',
    parse: nonBlank(),
    default: 'signals-data',
  }),
  offline: PROVIDER.offline,
  cacheDir: PROVIDER.cacheDir,
  yahooUrl: PROVIDER.yahooUrl,
  ...CONFIG,
};
export type DataOptions = Values<typeof DATA_COMMAND>;

export const RANK = {
  asOf: optional({
    arg: 'date',
    help: "rank the cross-section as of this day's close (YYYY-MM-DD); default: the last bundled trading day",
    env: 'SIGNALS_AS_OF',
    parse: calendarDate(),
  }),
  json: flag({ help: 'print one JSON object (its schema: RankResult in src/protocol/rank.ts; README)', conflicts: ['csv'] }),
  csv: flag({ help: 'print CSV: a header row, then one row per ranked symbol' }),
  top: withDefault({ arg: 'n', help: 'table only: show the top and the bottom n, 1 to 1000', parse: wholeNumber(1, 1000), default: 10 }),
  color,
  ...UNIVERSE,
  ...ANALYSIS,
  ...CONFIG,
};
export type RankOptions = Values<typeof RANK>;

/**
 * Forward-return horizons in trading days: a comma-separated list of whole numbers 1 to 1000, returned ascending
 * without repeats. @example horizonList()('63,5,21') // [5, 21, 63]
 */
export function horizonList(): Parser<number[]> {
  const one = wholeNumber(1, 1000);
  return (raw) => {
    const parts = raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (parts.length === 0) throw new BadValue((who) => `${who} is empty; give horizons in trading days, e.g. 5,21,63`);
    const values = parts.map((part) => {
      try {
        return one(part, undefined);
      } catch (error) {
        if (!(error instanceof BadValue)) throw error;
        throw new BadValue((who) => `${who}: a horizon is a whole number of trading days from 1 to 1000, got "${part}"`);
      }
    });
    return [...new Set(values)].sort((a, b) => a - b);
  };
}

/** A file to write: not a folder, in a folder that exists and can be written, checked before a long run rather than after it. */
export function outputFile(): Parser<string> {
  return (raw) => {
    if (raw.trim() === '') throw new BadValue((who) => `${who} is blank: give a file name, or leave it out`);
    if (statSync(raw, { throwIfNoEntry: false })?.isDirectory()) throw new BadValue((who) => `${who} ${raw} is a folder; give a file name`);
    const folder = dirname(resolve(raw));
    const exists = statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false;
    if (!exists) throw new BadValue((who) => `${who} ${raw}: the folder ${folder} does not exist`);
    try {
      accessSync(folder, constants.W_OK);
    } catch {
      throw new BadValue((who) => `${who} ${raw}: the folder ${folder} cannot be written`);
    }
    return raw;
  };
}

export const BACKTEST = {
  from: optional({ arg: 'date', help: "first day analysed (default: each symbol's first day with 300 days of history)", parse: calendarDate() }),
  to: optional({ arg: 'date', help: 'last day analysed (default: the last day with a next open to trade at)', parse: calendarDate() }),
  every: withDefault({ arg: 'n', help: 'analyse every n-th trading day, 1 to 1000', parse: wholeNumber(1, 1000), default: 1 }),
  horizon: withDefault({
    arg: 'list',
    help: 'forward-return horizons in trading days, each 1 to 1000',
    parse: horizonList(),
    default: [5, 21, 63],
    defaultHelp: '5,21,63',
  }),
  costBps: withDefault({ arg: 'bps', help: 'cost per unit of position traded, in basis points, 0 to 1000', parse: decimal(0, 1000), default: 5 }),
  allowShort: flag({ help: 'short on SELL (default: flat)' }),
  json: flag({ help: 'print the results as JSON (shape in docs/backtest.md)' }),
  csv: optional({ arg: 'file', help: 'write one row per step to this CSV file', parse: outputFile() }),
  report: optional({ arg: 'file', help: 'write a self-contained HTML report to this file', parse: outputFile() }),
  workers: optional({ arg: 'n', help: 'worker threads, 1 to 64 (default: one per core)', parse: wholeNumber(1, 64) }),
  checkLookahead: flag({
    help: `re-run 12 steps per symbol with the bars, macro data and headlines after each as-of perturbed; exit ${ExitCode.ANALYSIS_FAILED} if a decision changes`,
  }),
  ...UNIVERSE,
  ...ANALYSIS,
  ...CONFIG,
};
export type BacktestCliOptions = Values<typeof BACKTEST>;

export const HISTORY = {
  from: optional({
    arg: 'date',
    help: 'publications logged from this day (YYYY-MM-DD, UTC) or ISO time (2025-07-08T14:30:00Z)',
    parse: dateOrTime('start'),
    format: formatDateOrTime('start'),
  }),
  to: optional({
    arg: 'date',
    help: 'publications logged up to this day, included, or before this ISO time',
    parse: dateOrTime('end'),
    format: formatDateOrTime('end'),
  }),
  last: optional({ arg: 'n', help: 'only the newest N publications of each symbol (1 to 1000000)', parse: wholeNumber(1, 1_000_000) }),
  json: flag({ help: 'print one JSON array of the publications, as the server sent them', conflicts: ['jsonl', 'csv'] }),
  jsonl: flag({ help: 'print one publication per line (JSON lines)', conflicts: ['csv'] }),
  csv: flag({ help: 'print CSV with a header row' }),
  stateDir: { ...SERVE.stateDir, help: 'the state dir whose signal log to read (the one `signals serve` writes)' },
  url: optional({ arg: 'url', help: 'read from a running server instead, e.g. http://127.0.0.1:8000 (its ws:// URL works too)', parse: wsUrl() }),
  token: optional({
    arg: 'token',
    help: 'with --url: token for the server',
    env: 'SIGNALS_TOKEN',
    parse: once(nonBlank(), 'the client sends one token'),
    secret: true,
  }),
  ...CONFIG,
};
export type HistoryOptions = Values<typeof HISTORY>;

export const REPAIR = {
  stateDir: { ...SERVE.stateDir, help: 'the state dir whose signal log to repair (its server stopped)' },
  json: flag({ help: 'print the report as JSON' }),
  ...CONFIG,
};
export type RepairOptions = Values<typeof REPAIR>;

/** Every command's option table by command name: what the config file, `signals config` and completion know of. */
export const TABLES: Record<string, Spec> = {
  analyze: ANALYZE,
  backtest: BACKTEST,
  symbols: SYMBOLS,
  data: DATA_COMMAND,
  rank: RANK,
  serve: SERVE,
  watch: WATCH,
  history: HISTORY,
  repair: REPAIR,
};

export function consensusConfig(options: AnalysisOptions): ConsensusConfig {
  const preset = options.referenceConsensus ? REFERENCE_CONSENSUS : DEFAULT_CONSENSUS;
  return {
    ...preset,
    minConfidence: options.minConfidence ?? preset.minConfidence,
    gate: options.gate ?? preset.gate,
    quorum: options.quorum ?? preset.quorum,
    weights: options.weights ?? {},
    strict: options.strict ?? false,
  };
}

export function llmConfig(options: AnalysisOptions): LlmConfig | undefined {
  if (options.llmUrl === undefined) return undefined;
  return { url: options.llmUrl, model: options.llmModel, apiKey: process.env.SIGNALS_LLM_API_KEY };
}
