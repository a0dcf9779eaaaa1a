// Builds the chosen provider from checked options and the keys in the environment: its feed, its history, its start-up check.
import type { HistorySource } from '../market/history.js';
import { replayParts, replaySource, type Parts, type ProviderConfig } from './parts.js';
import type { Provider } from './provider.js';

export { PROVIDERS, type Provider, type ProviderName } from './provider.js';
export type { ProviderConfig, ProviderKeys } from './parts.js';

/** The replay of the bundled data loads no provider's code; the live providers (and FRED over a replay) load theirs. */
async function parts(config: ProviderConfig): Promise<Parts> {
  if (config.provider === 'replay' && !config.keys.FRED_API_KEY) return replayParts(config, replaySource(config));
  return (await import('./live.js')).liveParts(config);
}

/** What a provider's analyses read: its history (bars, headlines), with FRED's macro series over it when a key is set. */
export async function createHistory(config: ProviderConfig): Promise<HistorySource> {
  return (await parts(config)).history;
}

/**
 * @example
 * const provider = await createProvider({ provider: 'yahoo', store, symbols: [], ... });
 * await provider.open();   // keys checked, the configured symbols' history fetched or taken from the cache
 */
export async function createProvider(config: ProviderConfig): Promise<Provider> {
  const { history, feed, open } = await parts(config);
  return { name: config.provider, history, feed: feed(), open };
}
