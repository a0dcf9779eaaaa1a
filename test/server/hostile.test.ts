// Hostile clients against a real `signals serve` process (the small run of `npm run fuzz`): after every phase the server
// is alive, within 1 MiB per attacker plus 300 MB of RSS, has given each bad input its documented answer, and a
// well-behaved client's heartbeat has come back throughout (within 3 s: this run shares its machine, so it catches a
// stall, not a slow turn; `npm run fuzz` holds the server to 250 ms).
import { afterAll, describe, expect, it } from 'vitest';
import { PHASES, SMALL } from '../../bench/fuzz-suite.js';
import { Session } from '../../bench/fuzz-session.js';

// A fresh seed each run widens the search; a failure names it, and `npm run fuzz -- --small --seed N` replays it.
const seed = Math.floor(Math.random() * 2 ** 32);
const session = new Session(SMALL, seed);
afterAll(() => session.stop());

describe(`hostile clients (seed ${seed})`, () => {
  for (const phase of PHASES) {
    it(
      `${phase.id}. ${phase.title}: the server lives, stays in its memory bound, answers as documented, and keeps answering the probe`,
      { timeout: 60_000 },
      async () => {
        const report = await session.run(phase);
        const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
        expect(failed, `seed ${seed}`).toEqual([]);
      },
    );
  }
});
