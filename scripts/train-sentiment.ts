// Build step: trains the embedded sentiment model from the bundled labelled set and saves it beside the compiled code,
// with its predictions of the bundled headlines.
import { renameSync, writeFileSync } from 'node:fs';
import { encodeModel } from '../src/agents/sentiment/model-file.js';
import { bundledTitles, memoOf, savedModelPath, trainEmbeddedModel } from '../src/agents/sentiment/model.js';
import { MarketStore } from '../src/market/store.js';

const { bundledDir } = new MarketStore();
const out = savedModelPath(bundledDir);
// Replaced atomically: builds may run side by side in one checkout, and a CLI may be reading the file.
const temp = `${out}.${process.pid}.tmp`;
const model = trainEmbeddedModel(bundledDir);
writeFileSync(temp, encodeModel(model.parameters(), memoOf(model, bundledTitles(bundledDir))));
renameSync(temp, out);
