// Build step: writes the pre-parsed cache of the bundled market data beside the compiled code (see src/market/cache.ts).
import { defaultCacheDir, writeMarketCache } from '../src/market/cache.js';
import { MarketStore } from '../src/market/store.js';

const { bundledDir } = new MarketStore({ cacheDir: false });
writeMarketCache(bundledDir, defaultCacheDir(bundledDir));
