// Headline sentiment from any OpenAI-compatible chat endpoint (FinGPT on vLLM, Ollama, a hosted model).
import type { Label } from './model.js';

export interface LlmConfig {
  /** Base URL of the OpenAI-compatible API, e.g. http://127.0.0.1:8001/v1 */
  url: string;
  model: string;
  apiKey?: string | undefined;
  timeoutMs?: number;
}

/** The model asked for when none is named: FinGPT's sentiment LoRA as served by vLLM. */
export const DEFAULT_LLM_MODEL = 'FinGPT/fingpt-sentiment_llama2-13b_lora';

/** The FinGPT sentiment instruction, which other chat models also follow. */
const INSTRUCTION = 'What is the sentiment of this news? Please choose an answer from {negative/neutral/positive}.';

interface ChatCompletion {
  model?: string;
  choices?: { message?: { content?: string } }[];
}

/** Reads the first sentiment label in a model's answer; undefined when it gave none. */
export function parseLabel(answer: string): Label | undefined {
  const m = /\b(positive|negative|neutral)\b/i.exec(answer);
  return m ? (m[1]!.toLowerCase() as Label) : undefined;
}

/** Labels of each headline and the model name the server reports having run. Throws when the endpoint fails. */
export async function classifyWithLlm(config: LlmConfig, headlines: string[], signal: AbortSignal): Promise<{ labels: Label[]; model: string }> {
  const endpoint = `${config.url.replace(/\/+$/, '')}/chat/completions`;
  const timeout = AbortSignal.timeout(config.timeoutMs ?? 10_000);
  const answers = await Promise.all(
    headlines.map(async (headline) => {
      const response = await fetch(endpoint, {
        method: 'POST',
        signal: AbortSignal.any([signal, timeout]),
        headers: {
          'content-type': 'application/json',
          ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: config.model,
          temperature: 0,
          max_tokens: 8,
          messages: [{ role: 'user', content: `Instruction: ${INSTRUCTION}\nInput: ${headline}\nAnswer: ` }],
        }),
      });
      if (!response.ok) throw new Error(`${endpoint} answered HTTP ${response.status}`);
      const body = (await response.json()) as ChatCompletion;
      const label = parseLabel(body.choices?.[0]?.message?.content ?? '');
      if (!label) throw new Error(`${endpoint} gave no sentiment label`);
      return { label, model: body.model ?? config.model };
    }),
  );
  return { labels: answers.map((a) => a.label), model: answers[0]?.model ?? config.model };
}

/** The agent name for what actually ran: "FinGPT" only when a FinGPT model answered. */
export function llmAgentName(model: string): string {
  return /fingpt/i.test(model) ? 'FinGPT' : `LLMSentiment(${model})`;
}
