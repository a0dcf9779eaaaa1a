// Build step: trains the embedded sentiment model from the bundled labelled set and saves it beside the compiled code.
import { renameSync, writeFileSync } from 'node:fs';
import { encodeModel } from '../src/agents/sentiment/model-file.js';
import { savedModelPath, trainEmbeddedModel } from '../src/agents/sentiment/model.js';
import { MarketStore } from '../src/market/store.js';

const { bundledDir } = new MarketStore();
const out = savedModelPath(bundledDir);
// Replaced atomically: builds may run side by side in one checkout, and a CLI may be reading the file.
const temp = `${out}.${process.pid}.tmp`;
writeFileSync(temp, encodeModel(trainEmbeddedModel(bundledDir).parameters()));
renameSync(temp, out);
