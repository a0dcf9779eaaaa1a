// Build step: runs the built-in agents over the bundled history once and saves the evidence book and the monthly samples beside the compiled code (see src/core/evidence-store.ts).
import { writeBundledEvidence } from '../src/core/evidence-store.js';
import { MarketStore } from '../src/market/store.js';

await writeBundledEvidence(new MarketStore());
