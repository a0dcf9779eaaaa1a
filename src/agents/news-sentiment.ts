// NewsSentiment: scores the symbol's recent headlines with the embedded model, or an LLM when one is configured.
import type { MarketSnapshot } from '../market/types.js';
import { round, scoreToVote, type Agent, type Evidence, type Vote } from './agent.js';
import { classifyWithLlm, llmAgentName, type LlmConfig } from './sentiment/llm.js';
import { embeddedModel, type Label } from './sentiment/model.js';

const MAX_HEADLINES = 30;
/** Pseudo-headlines of neutral weight: a handful of headlines cannot produce a confident vote. */
const NEUTRAL_PRIOR = 2;

export interface NewsSentimentOptions {
  bundledDir: string;
  llm?: LlmConfig | undefined;
}

const VALUE: Record<Label, number> = { negative: -1, neutral: 0, positive: 1 };

/**
 * Each headline scores p(positive) - p(negative) under the embedded model (or -1/0/+1 from the
 * LLM's label); the vote comes from their mean, shrunk toward neutral by two neutral pseudo-headlines.
 */
export function createNewsSentiment(options: NewsSentimentOptions): Agent {
  const agent: Agent = {
    id: 'sentiment',
    name: 'NewsSentiment',
    async analyze(snapshot: MarketSnapshot, signal: AbortSignal): Promise<Vote> {
      const headlines = snapshot.headlines.slice(-MAX_HEADLINES).map((h) => h.title);
      if (headlines.length === 0) {
        return { kind: 'abstain', reason: `no ${snapshot.symbol} headlines in the 7 days to ${snapshot.asOf.slice(0, 10)}` };
      }
      let values: number[];
      let name = agent.name;
      const notes: string[] = [];
      if (options.llm) {
        try {
          const result = await classifyWithLlm(options.llm, headlines, signal);
          values = result.labels.map((l) => VALUE[l]);
          name = llmAgentName(result.model);
        } catch (error) {
          if (signal.aborted) throw error;
          notes.push(`LLM unavailable (${(error as Error).message}); used the embedded model`);
        }
      }
      values ??= headlines.map((h) => {
        const p = embeddedModel(options.bundledDir).predict(h).probabilities;
        return p.positive - p.negative;
      });
      const evidence: Evidence[] = values.map((value, i) => ({
        value,
        weight: 1,
        reason: `${value > 0.2 ? '+' : value < -0.2 ? '-' : '='} ${headlines[i]!.slice(0, 90)}`,
      }));
      evidence.push({ value: 0, weight: NEUTRAL_PRIOR });
      const positive = values.filter((v) => v > 0.2).length;
      const negative = values.filter((v) => v < -0.2).length;
      const vote = scoreToVote(evidence, {
        headlines: headlines.length,
        positive,
        negative,
        mean_sentiment: round(values.reduce((a, b) => a + b, 0) / values.length),
      });
      if (vote.kind === 'vote')
        vote.reasons = [
          ...notes,
          `${positive} positive, ${negative} negative of ${headlines.length} headlines in 7 days`,
          ...vote.reasons.slice(0, 3),
        ];
      return { ...vote, name };
    },
  };
  return agent;
}
