// A data folder's own symbols never change the calls or the evidence of the bundled symbols: the pooled universe is fixed and named.
import { describe, expect, it } from 'vitest';
import { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { run } from '../helpers/cli.js';
import { writeTrendingData } from '../helpers/trending-data.js';

const analyze = (args: string[]) => AnalyzeResult.array().parse(JSON.parse(run(['analyze', ...args, '--json']).stdout));

describe('signals analyze --data-dir and the bundled symbols', () => {
  it('gives AAPL, MSFT and NVDA the same calls, confidences and evidence with a trending data folder beside them', () => {
    const args = ['AAPL', 'MSFT', 'NVDA', '--as-of', '2024-06-14'];
    const alone = analyze(args);
    const beside = analyze([...args, '--data-dir', writeTrendingData()]);
    const essence = (rs: AnalyzeResult[]) =>
      rs.map((r) =>
        r.action === 'ERROR' ? r : { action: r.action, confidence: r.confidence, evidence: r.evidence, agents: r.agents_consensus.agent_details },
      );
    expect(essence(beside)).toEqual(essence(alone));
    for (const r of alone) if (r.action !== 'ERROR') expect(r.evidence!.universe).toBe('bundled (29 stocks)');
  });
});
