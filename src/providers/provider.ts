// What a provider is to the rest of the program: a market feed, a history source, and a start-up check.
import type { MarketFeed } from '../market/feed.js';
import type { HistorySource } from '../market/history.js';

export const PROVIDERS = ['replay', 'yahoo', 'alpaca'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** The part of the core's logger a provider uses. */
export interface ProviderLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

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
