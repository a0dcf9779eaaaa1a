// A logged publication for tests of the signal log: AAPL's NO_SIGNAL number n.
import type { Publication } from '../../src/log/signal-log.js';

/** AAPL's NO_SIGNAL decision whose reason is `p<n>`, so that each one is told apart. */
export const decision = (n: number): Publication => ({
  type: 'decision_update',
  data: {
    symbol: 'AAPL',
    decision: { action: 'NO_SIGNAL', reason: `p${n}`, agent_summary: {} },
    timestamp: new Date().toISOString(),
    trigger: 'price_move',
  },
});
