// What building a provider starts from (checked options and the keys in the environment) and what it makes; the
// replay of the bundled data, which needs none of the live providers' code.
import type { MarketFeed } from '../market/feed.js';
import type { HistorySource } from '../market/history.js';
import { ReplayFeed, type ReplayOptions } from '../market/replay.js';
import type { MarketStore } from '../market/store.js';
import { UniverseHistory } from '../market/universe-history.js';
import type { UniverseName } from '../market/universe.js';
import type { AlpacaFeedName } from './endpoints.js';
import type { ProviderLogger, ProviderName } from './provider.js';

/** The keys a provider reads from the environment, under the names the services' own tools use. */
export interface ProviderKeys {
  APCA_API_KEY_ID?: string | undefined;
  APCA_API_SECRET_KEY?: string | undefined;
  FRED_API_KEY?: string | undefined;
}

export interface ProviderConfig {
  provider: ProviderName;
  /** The bundled (and user) data: the replay's source, the symbol list, and the macro series without FRED. */
  store: MarketStore;
  /**
   * The replay's universe: `sp500` replays (and analyses) every member's bars besides the bundled ones; the live
   * providers fetch whatever symbol is asked for either way. Default `bundled`.
   */
  universe?: UniverseName | undefined;
  /** Symbols asked for beyond the bundled ones (`--symbols`). */
  symbols: string[];
  offline: boolean;
  cacheDir: string;
  urls: { yahoo: string; alpacaData: string; alpacaStream: string; fred: string };
  alpacaFeed: AlpacaFeedName;
  /** Yahoo: between two rounds of quote requests. */
  pollMs: number;
  keys: ProviderKeys;
  logger: ProviderLogger;
  /** The replay's options (`serve`, `watch --local`); without them there is no replay feed (`analyze`). */
  replay?: ReplayOptions | undefined;
  /** The wall clock (epoch ms): the market clock of the live providers. */
  clock?: () => number;
}

/** A provider before its feed exists: the feed is made on demand (an analysis never makes one). */
export interface Parts {
  history: HistorySource;
  feed: () => MarketFeed;
  open: () => Promise<void>;
}

/** The bars a replay plays: the store's, or with the S&P 500 universe every member's too. */
export function replaySource(config: ProviderConfig): HistorySource {
  return config.universe === 'sp500' ? new UniverseHistory(config.store) : config.store;
}

/** The replay's parts: `bars` (see `replaySource`) are replayed, `history` (they, or FRED's macro series over them) analysed. */
export function replayParts(config: ProviderConfig, bars: HistorySource, history: HistorySource = bars): Parts {
  const replay = config.replay;
  return {
    history,
    feed: () => {
      if (!replay) throw new Error('a replay feed needs its options');
      return new ReplayFeed(config.store, replay, bars);
    },
    open: async () => undefined,
  };
}
