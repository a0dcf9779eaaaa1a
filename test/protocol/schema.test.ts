// `signals schema` output is a valid JSON Schema that accepts real messages and rejects malformed ones.
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { defaultAgents } from '../../src/agents/index.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { Orchestrator } from '../../src/orchestrator/orchestrator.js';
import { run } from '../helpers/cli.js';

const schema = JSON.parse(run(['schema']).stdout);
const ajv = new Ajv2020.default({ strict: false });
const validate = ajv.compile(schema);

describe('signals schema', () => {
  it('compiles as JSON Schema 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(typeof validate).toBe('function');
  });

  it('accepts every event of a real analysis and every client request', async () => {
    const store = new MarketStore();
    const o = new Orchestrator({ agents: defaultAgents({ bundledDir: store.bundledDir }) });
    for await (const event of o.analyze(snapshotAt(store, 'AAPL', '2025-01-15T21:00:00.000Z'))) {
      expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
    }
    for (const request of [
      { type: 'subscribe', symbol: 'AAPL' },
      { type: 'subscribe', symbols: ['AAPL', 'MSFT'], id: 3 },
      { type: 'unsubscribe', symbol: 'AAPL' },
      { type: 'analyze', symbol: 'AAPL', id: 'x' },
      { type: 'get_status' },
      { type: 'heartbeat' },
    ]) {
      expect(validate(request), JSON.stringify(request)).toBe(true);
    }
  });

  it('accepts a track record on a signal and rejects one whose hit rate is not a share', async () => {
    const store = new MarketStore();
    const o = new Orchestrator({ agents: defaultAgents({ bundledDir: store.bundledDir }) });
    const event = await o.final(snapshotAt(store, 'AAPL', '2025-01-15T21:00:00.000Z'));
    const record = { horizon_days: 21, calls: 12, hit_rate: 0.5833, mean_excess_return: 0.004 };
    const track_record = { symbol: 'AAPL', since: '2007-01-31', consensus: record, agents: { technical: { ...record, weight: 1 } } };
    expect(validate({ ...event, data: { ...event.data, track_record } }), JSON.stringify(validate.errors)).toBe(true);
    const wrong = { ...track_record, consensus: { ...record, hit_rate: 58.33 } };
    expect(validate({ ...event, data: { ...event.data, track_record: wrong } })).toBe(false);
  });

  it('rejects malformed messages', () => {
    expect(validate({ type: 'signal_update', data: { symbol: 'AAPL' } })).toBe(false);
    expect(validate({ type: 'subscribe', symbol: 42 })).toBe(false);
    expect(validate({ type: 'price_update', data: { symbol: 'AAPL', price: '1.00', volume: 1, timestamp: 'x' } })).toBe(false);
  });
});
