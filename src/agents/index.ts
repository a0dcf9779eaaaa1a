// The default agent line-up, in the order they are reported.
import type { Agent } from './agent.js';
import { economicIndicator } from './economic.js';
import { momentumAgent } from './momentum.js';
import { createNewsSentiment } from './news-sentiment.js';
import type { LlmConfig } from './sentiment/llm.js';
import { technicalAnalyst } from './technical.js';
import { volatilityRisk } from './volatility.js';

export function defaultAgents(options: { bundledDir: string; llm?: LlmConfig | undefined }): Agent[] {
  return [technicalAnalyst, momentumAgent, volatilityRisk, economicIndicator, createNewsSentiment(options)];
}

export const AGENT_IDS = ['technical', 'momentum', 'volatility', 'economic', 'sentiment'];
