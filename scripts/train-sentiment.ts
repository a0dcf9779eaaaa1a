// Build step: trains the embedded sentiment model from the bundled labelled set and saves it beside the compiled code.
import { writeFileSync } from 'node:fs';
import { MarketStore } from '../src/market/store.js';
import { savedModelPath, trainEmbeddedModel } from '../src/agents/sentiment/model.js';

const { bundledDir } = new MarketStore();
writeFileSync(savedModelPath(bundledDir), JSON.stringify(trainEmbeddedModel(bundledDir)));
