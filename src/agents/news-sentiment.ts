// NewsSentiment: scores the symbol's recent headlines with the embedded model, or an LLM when one is configured.
import { closeOf } from '../market/publication.js';
import { recentHeadlines } from '../market/snapshot.js';
import type { Headline, MarketSnapshot } from '../market/types.js';
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
  const name = 'NewsSentiment';
  /** The vote on the headlines a snapshot of `symbol` as of `asOf` holds; at once when there are none. */
  const vote = (symbol: string, asOf: string, recent: Headline[], signal: AbortSignal): Vote | Promise<Vote> => {
    if (recent.length === 0) return { kind: 'abstain', reason: `no ${symbol} headlines in the 7 days to ${asOf.slice(0, 10)}` };
    return headlineVote(recent, signal);
  };
  const headlineVote = async (recent: Headline[], signal: AbortSignal): Promise<Vote> => {
    const headlines = recent.slice(-MAX_HEADLINES).map((h) => h.title);
    let values: number[] | undefined;
    let ranAs = name;
    const notes: string[] = [];
    if (options.llm) {
      try {
        const result = await classifyWithLlm(options.llm, headlines, signal);
        values = result.labels.map((l) => VALUE[l]);
        ranAs = llmAgentName(result.model);
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
    const result = scoreToVote(evidence, {
      headlines: headlines.length,
      positive,
      negative,
      mean_sentiment: round(values.reduce((a, b) => a + b, 0) / values.length),
    });
    if (result.kind === 'vote')
      result.reasons = [
        ...notes,
        `${positive} positive, ${negative} negative of ${headlines.length} headlines in 7 days`,
        ...result.reasons.slice(0, 3),
      ];
    return { ...result, name: ranAs };
  };
  return {
    id: 'sentiment',
    name,
    analyze: async (snapshot: MarketSnapshot, signal: AbortSignal) => vote(snapshot.symbol, snapshot.asOf, snapshot.headlines, signal),
    walk: (history) => (i) => {
      const asOf = closeOf(history.bars.date[i]!);
      return vote(history.symbol, asOf, recentHeadlines(history.headlines, history.symbol, asOf), never);
    },
  };
}

const never = new AbortController().signal;
