// The provider's configuration from checked options and the environment (API keys are read from the environment only).
import type { ReplayOptions } from '../market/replay.js';
import type { MarketStore } from '../market/store.js';
import type { UniverseName } from '../market/universe.js';
import type { ProviderConfig } from '../providers/index.js';
import type { ProviderLogger } from '../providers/provider.js';
import type { ProviderOptions } from './options.js';

/** A clock that starts at `start` (epoch ms) and runs at wall speed; the wall clock without it. */
function marketClock(start: number | undefined): (() => number) | undefined {
  if (start === undefined) return undefined;
  const offset = start - Date.now();
  return () => Date.now() + offset;
}

export function providerConfig(
  options: ProviderOptions & { symbols?: string[]; pollInterval?: number; universe?: UniverseName },
  store: MarketStore,
  logger: ProviderLogger,
  replay?: ReplayOptions,
): ProviderConfig {
  const clock = marketClock(options.marketClock);
  return {
    provider: options.provider,
    store,
    universe: options.universe,
    symbols: options.symbols ?? [],
    offline: options.offline ?? false,
    cacheDir: options.cacheDir,
    urls: { yahoo: options.yahooUrl, alpacaData: options.alpacaDataUrl, alpacaStream: options.alpacaStreamUrl, fred: options.fredUrl },
    alpacaFeed: options.alpacaFeed,
    pollMs: (options.pollInterval ?? 15) * 1000,
    keys: {
      APCA_API_KEY_ID: process.env.APCA_API_KEY_ID,
      APCA_API_SECRET_KEY: process.env.APCA_API_SECRET_KEY,
      FRED_API_KEY: process.env.FRED_API_KEY,
    },
    logger,
    replay,
    ...(clock ? { clock } : {}),
  };
}
