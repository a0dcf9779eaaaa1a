// The live providers (Yahoo, Alpaca) and FRED's macro series, assembled from checked options and the keys in the
// environment: loaded only when one of them is in use.
import type { HistorySource } from '../market/history.js';
import { BENCHMARK } from '../market/snapshot.js';
import { SignalsError } from '../protocol/errors.js';
import { AlpacaRest } from './alpaca-rest.js';
import { AlpacaStream, IEX_SYMBOL_LIMIT } from './alpaca-stream.js';
import { DiskCache } from './disk-cache.js';
import { Fred } from './fred.js';
import { FredHistory } from './fred-history.js';
import { replayParts, replaySource, type Parts, type ProviderConfig } from './parts.js';
import { PollingFeed } from './polling-feed.js';
import { ProviderHistory } from './provider-history.js';
import { YahooChart } from './yahoo.js';

const asOfNow = (clock: () => number) => new Date(clock()).toISOString();

/** The history a provider's analyses read, with FRED's macro series over it when a key is set. */
function withMacro(history: HistorySource, config: ProviderConfig, cache: DiskCache): HistorySource {
  const key = config.keys.FRED_API_KEY;
  if (!key) return history;
  return new FredHistory(history, new Fred({ baseUrl: config.urls.fred, apiKey: key }), cache);
}

/** The parts of a live provider, or of the replay with FRED's macro series over it. */
export function liveParts(config: ProviderConfig): Parts {
  const clock = config.clock ?? Date.now;
  const cache = new DiskCache({ dir: config.cacheDir, offline: config.offline, warn: (m, f) => config.logger.warn(m, f), now: clock });
  const http = {
    onRateLimited: (waitMs: number) => config.logger.warn('provider rate limit (HTTP 429): waiting as Retry-After says', { wait_ms: waitMs }),
  };
  /** Loads the configured symbols' history now: a provider that is down shows at start-up, not at the first analysis. */
  const preload = async (history: HistorySource) => {
    for (const symbol of config.symbols.length > 0 ? config.symbols : [BENCHMARK]) await history.load?.(symbol, asOfNow(clock));
  };

  if (config.provider === 'replay') {
    const bars = replaySource(config);
    return replayParts(config, bars, withMacro(bars, config, cache));
  }

  if (config.provider === 'yahoo') {
    const chart = new YahooChart({ baseUrl: config.urls.yahoo, http });
    const base = new ProviderHistory({
      fetchers: { name: 'yahoo', dailyBars: (s, f, t) => chart.dailyBars(s, f, t) },
      bundled: config.store,
      extraSymbols: config.symbols,
      cache,
      clock,
    });
    const history = withMacro(base, config, cache);
    // Quotes never wait on a 429: the feed holds its polls back itself, and says so (see PollingFeed).
    const quotes = new YahooChart({ baseUrl: config.urls.yahoo, http: { ...http, retries: 0 } });
    const feed = () =>
      new PollingFeed({
        name: 'yahoo',
        fetchQuote: (s) => quotes.quote(s),
        has: (s) => history.has(s),
        intervalMs: config.pollMs,
        logger: config.logger,
        clock,
      });
    return { history, feed, open: () => preload(history) };
  }

  const keyId = config.keys.APCA_API_KEY_ID ?? '';
  const secretKey = config.keys.APCA_API_SECRET_KEY ?? '';
  if (!config.offline && (!keyId || !secretKey)) {
    throw new SignalsError(
      'PROVIDER_AUTH_FAILED',
      '--provider alpaca needs an API key: set APCA_API_KEY_ID and APCA_API_SECRET_KEY (free at alpaca.markets)',
    );
  }
  const keys = { keyId, secretKey };
  const rest = new AlpacaRest({ baseUrl: config.urls.alpacaData, keys, feed: config.alpacaFeed, http });
  const base = new ProviderHistory({
    fetchers: {
      name: `alpaca-${config.alpacaFeed}`,
      dailyBars: (s, f, t) => rest.dailyBars(s, f, t),
      headlines: (s, f, t) => rest.headlines(s, f, t),
    },
    bundled: config.store,
    extraSymbols: config.symbols,
    cache,
    clock,
  });
  const history = withMacro(base, config, cache);
  let stream: AlpacaStream | undefined;
  const feed = () =>
    (stream = new AlpacaStream({
      baseUrl: config.urls.alpacaStream,
      feed: config.alpacaFeed,
      keys,
      rest,
      has: (s) => history.has(s),
      maxSymbols: config.alpacaFeed === 'iex' ? IEX_SYMBOL_LIMIT : Infinity,
      logger: config.logger,
      clock,
    }));
  return {
    history,
    feed,
    open: async () => {
      await stream?.open();
      await preload(history);
    },
  };
}
