// The hostile-client suite: its phases in the order they run, and its two sizes (the full run, and the small one `npm test` runs).
import { bursts } from './fuzz-bursts.js';
import { floods } from './fuzz-floods.js';
import { randomFrames } from './fuzz-frames.js';
import { paths } from './fuzz-paths.js';
import { httpHistory, replayLoops, replayLoopsOneAddress, replayLoopsWide, wsHistory } from './fuzz-reads.js';
import { protocolViolations } from './fuzz-protocol.js';
import { resets } from './fuzz-resets.js';
import type { Phase, Sizes } from './fuzz-phase.js';
import { stalledReaders } from './fuzz-stalled.js';

export const PHASES: Phase[] = [
  randomFrames,
  paths,
  protocolViolations,
  resets,
  bursts,
  stalledReaders,
  floods,
  httpHistory,
  wsHistory,
  replayLoops,
  replayLoopsWide,
  replayLoopsOneAddress,
];

export const FULL: Sizes = {
  frames: 100_000,
  concurrency: 32,
  randomPaths: 400,
  protocolRounds: 20,
  resets: 40,
  tinyBursts: 6,
  subscribeBursts: 200,
  stalledReaders: 100,
  floodAddresses: 8,
  floodSeconds: 15,
  httpReaders: 64,
  wsReaders: 50,
  phaseSeconds: 120,
  probeLimitMs: 250,
};

export const SMALL: Sizes = {
  frames: 3_000,
  concurrency: 16,
  randomPaths: 60,
  protocolRounds: 1,
  resets: 3,
  tinyBursts: 2,
  subscribeBursts: 40,
  stalledReaders: 12,
  floodAddresses: 3,
  floodSeconds: 3,
  httpReaders: 16,
  wsReaders: 20,
  phaseSeconds: 20,
  probeLimitMs: 3_000,
};
