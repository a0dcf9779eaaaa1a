// What a provider is to the rest of the program: a market feed, a history source, and a start-up check.
import type { MarketFeed } from '../market/feed.js';
import type { Logger } from '../logger.js';
import type { HistorySource } from '../market/history.js';

export const PROVIDERS = ['replay', 'yahoo', 'alpaca'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The part of the process logger a provider uses. */
export type ProviderLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface Provider {
  name: ProviderName;
  feed: MarketFeed;
  history: HistorySource;
  /**
   * Connects and checks the keys before anything is served: throws PROVIDER_AUTH_FAILED for a refused key,
   * PROVIDER_UNAVAILABLE for a provider that cannot be reached.
   */
  open(): Promise<void>;
}
