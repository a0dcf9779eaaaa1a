import { startSignals, startBaseline, startClients } from './dist/bench/run.js';
