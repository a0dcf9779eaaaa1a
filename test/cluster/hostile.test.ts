// Hostile clients against a node of a cluster (`serve --redis-url`, a real Redis beside it): the phases whose inputs reach
// what the cluster changes (analyze handed to an owner, subscribe and recovery from the log in Redis, /healthz and /ws/status).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type TestRedis } from '../../bench/redis.js';
import { PHASES, SMALL } from '../../bench/fuzz-suite.js';
import { Session } from '../../bench/fuzz-session.js';

const seed = Math.floor(Math.random() * 2 ** 32);
/** Random and malformed frames, URL and path fuzzing, raw protocol violations. */
const PHASE_IDS = ['a', 'b', 'c'];
let redis: TestRedis;
let session: Session;

beforeAll(async () => {
  redis = await startRedis();
  session = new Session(SMALL, seed, Infinity, redis.url);
});
afterAll(async () => {
  await session?.stop();
  await redis?.destroy();
});

describe(`hostile clients against a cluster node (seed ${seed})`, () => {
  for (const phase of PHASES.filter((p) => PHASE_IDS.includes(p.id))) {
    it(`${phase.id}. ${phase.title}: the node lives, stays in its memory bound, answers as documented`, { timeout: 60_000 }, async () => {
      const report = await session.run(phase);
      const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
      expect(failed, `seed ${seed}`).toEqual([]);
    });
  }
});
