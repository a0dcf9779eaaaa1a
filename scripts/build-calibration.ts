// Build step: runs the calibrated agents over the bundled history once and saves their monthly calls beside the compiled code (see src/core/calibration-store.ts).
import { writeBundledSamples } from '../src/core/calibration-store.js';
import { MarketStore } from '../src/market/store.js';

await writeBundledSamples(new MarketStore());
