// Maintainer step, not part of `npm run build`: the S&P 500 universe's evidence book (dist/evidence-sp500.jsonl), about 80 s of CPU (see src/core/evidence-store.ts).
import { writeSp500Evidence } from '../src/core/evidence-store.js';
import { MarketStore } from '../src/market/store.js';

await writeSp500Evidence(new MarketStore());
