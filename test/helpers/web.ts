// Publications for tests of the web view's model and chart: a signal of a symbol with its seq, action, as-of time and price.
import type { Publication } from '../../src/web/model.js';

/** A signal_update with two agents' votes (technical votes the call, momentum HOLD); BUY and SELL carry a target and a stop. */
export function signal(symbol: string, seq: number, action: 'BUY' | 'SELL' | 'HOLD', asOf: number, price = 100, epoch = 'e1'): Publication {
  return {
    type: 'signal_update',
    data: {
      symbol,
      signal_id: `s${seq}`,
      action,
      confidence: 0.55,
      price,
      agents_consensus: {
        total_agents: 2,
        completed_agents: 2,
        consensus_strength: 'MODERATE',
        agent_details: {
          technical: { name: 'TechnicalAnalyst', signal: action, confidence: 0.6, reasoning: ['t'] },
          momentum: { name: 'Momentum', signal: 'HOLD', confidence: 0.5, reasoning: ['m'] },
        },
      },
      timestamp: new Date(asOf).toISOString(),
      metadata: { reasoning: ['r'], indicators: {}, ...(action === 'HOLD' ? {} : { target_price: price + 2, stop_loss: price - 1.5 }) },
      as_of: new Date(asOf).toISOString(),
      trigger: 'price_move',
      seq,
      epoch,
    },
  };
}
