// NewsSentiment: the embedded model, and the LLM backend against a local server speaking the OpenAI chat format.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNewsSentiment } from '../../src/agents/news-sentiment.js';
import { parseLabel } from '../../src/agents/sentiment/llm.js';
import { MarketStore } from '../../src/market/store.js';
import type { Headline } from '../../src/market/types.js';
import { barsFrom, snapshot } from '../helpers/series.js';

const { bundledDir } = new MarketStore();
const bars = barsFrom([100, 101]);
const news = (titles: string[]): Headline[] => titles.map((title) => ({ published: '2020-01-02T12:00:00.000Z', title, source: 'test' }));
const signal = new AbortController().signal;

const GOOD = [
  'Apple shares jump to record high after blowout earnings',
  'Apple beats estimates, raises guidance; stock surges',
  'Analysts upgrade Apple to buy, lift price target',
  'Apple revenue growth accelerates, shares rally',
  'Apple posts record profit as iPhone sales soar',
  'Apple stock climbs on strong demand',
];
const BAD = [
  'Apple shares plunge after earnings miss',
  'Apple cuts guidance as sales slump; stock falls',
  'Analysts downgrade Apple to sell on weak demand',
  'Apple hit with lawsuit, shares drop',
  'Apple profit falls short of estimates, stock tumbles',
  'Apple warns of revenue decline amid weak iPhone sales',
];

describe('NewsSentiment with the embedded model', () => {
  const agent = createNewsSentiment({ bundledDir });

  it('votes BUY on clearly good news and SELL on clearly bad news', async () => {
    const good = await agent.analyze(snapshot({ bars, headlines: news(GOOD) }), signal);
    const bad = await agent.analyze(snapshot({ bars, headlines: news(BAD) }), signal);
    expect(good.kind === 'vote' && good.signal).toBe('BUY');
    expect(bad.kind === 'vote' && bad.signal).toBe('SELL');
    expect(good.name).toBe('NewsSentiment');
  });

  it('abstains when there are no headlines in the window', async () => {
    const vote = await agent.analyze(snapshot({ bars, headlines: [] }), signal);
    expect(vote).toMatchObject({ kind: 'abstain' });
  });
});

describe('NewsSentiment with an OpenAI-compatible LLM (local server speaking the chat completions format)', () => {
  let server: Server;
  let url = '';
  const requests: { model: string; messages: { content: string }[] }[] = [];
  let served = 'FinGPT/fingpt-sentiment_llama2-13b_lora';

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const request = JSON.parse(body);
        requests.push(request);
        if (req.url !== '/v1/chat/completions') {
          res.writeHead(404).end();
          return;
        }
        const input = /Input: (.*)\n/.exec(request.messages[0].content)?.[1] ?? '';
        const answer = /plunge|miss|cut|downgrade|lawsuit|tumble|decline|falls|drop/i.test(input) ? 'negative' : 'positive';
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            id: 'chatcmpl-1',
            object: 'chat.completion',
            created: 1,
            model: served,
            choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
            usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 },
          }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('is named FinGPT when a FinGPT model answered, and sends the FinGPT instruction', async () => {
    const agent = createNewsSentiment({ bundledDir, llm: { url, model: served } });
    const vote = await agent.analyze(snapshot({ bars, headlines: news(BAD) }), signal);
    expect(vote.name).toBe('FinGPT');
    expect(vote.kind === 'vote' && vote.signal).toBe('SELL');
    expect(requests.at(-1)!.messages[0]!.content).toMatch(/What is the sentiment of this news/);
  });

  it('names another model by what it is', async () => {
    served = 'llama3.1:8b';
    const agent = createNewsSentiment({ bundledDir, llm: { url, model: served } });
    const vote = await agent.analyze(snapshot({ bars, headlines: news(GOOD) }), signal);
    expect(vote.name).toBe('LLMSentiment(llama3.1:8b)');
    expect(vote.kind === 'vote' && vote.signal).toBe('BUY');
  });

  it('falls back to the embedded model, and says so, when the endpoint fails', async () => {
    const agent = createNewsSentiment({ bundledDir, llm: { url: `${url}/missing`, model: 'x' } });
    const vote = await agent.analyze(snapshot({ bars, headlines: news(GOOD) }), signal);
    expect(vote.name).toBe('NewsSentiment');
    expect(vote.kind === 'vote' && vote.reasons[0]).toMatch(/LLM unavailable.*HTTP 404/);
  });

  it('reads the label out of a chatty answer', () => {
    expect(parseLabel('The sentiment is Negative.')).toBe('negative');
    expect(parseLabel('I cannot tell')).toBeUndefined();
  });
});
