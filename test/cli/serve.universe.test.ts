// `signals serve --universe sp500`: the universe in force is logged, in the welcome and on /ws/status; any member with bars can be subscribed and is analysed on the replay.
import { afterEach, describe, expect, it } from 'vitest';
import { run, spawnServe } from '../helpers/cli.js';
import { startServer, TestClient } from '../helpers/server.js';

let serve: ReturnType<typeof spawnServe> | undefined;
afterEach(() => {
  serve?.child.kill('SIGKILL');
  serve = undefined;
});

describe('signals serve --universe', () => {
  it('sp500: logged at start-up, named in the welcome and /ws/status, and a member outside the bundled 30 (LOW) is replayed and analysed', async () => {
    serve = spawnServe(['--universe', 'sp500', '--symbols', 'SPY', '--speed', '3900']);
    const url = await serve.url;
    expect(serve.log()).toMatch(/"msg":"signals serve listening".*"universe":"sp500"/);
    const client = await TestClient.connect(url);
    const welcome = client.messages.find((m) => m.type === 'connected');
    expect(welcome.universe).toBe('sp500');
    expect(welcome.symbols).toEqual(expect.arrayContaining(['LOW', 'AAPL', 'SPY']));
    expect(welcome.symbols.length).toBeGreaterThan(450);
    client.send({ type: 'subscribe', symbol: 'LOW' });
    await client.next((m) => m.type === 'subscribed' && m.symbol === 'LOW');
    const price = await client.next((m) => m.type === 'price_update' && m.data.symbol === 'LOW', 20_000);
    expect(price.data.timestamp.slice(0, 10) >= '2025-07-08').toBe(true);
    const signal = await client.next((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.symbol === 'LOW', 30_000);
    expect(signal.type).toBe('signal_update');
    // The consensus reads the S&P 500's evidence, as `analyze --universe sp500` does.
    expect(signal.data.evidence.universe).toMatch(/sp500/);
    const status = (await (await fetch(url.replace('ws://', 'http://').replace('/ws/signals', '/ws/status'))).json()) as {
      orchestrator: Record<string, unknown>;
    };
    expect(status.orchestrator.universe).toBe('sp500');
    // A rank request ranks the S&P 500's members of the latest session the replay has closed (2025-07-07 or later).
    client.send({ type: 'rank', top: 3, id: 'r' });
    const rank = await client.next((m) => m.id === 'r', 60_000);
    expect(rank.type).toBe('rank');
    expect(rank.data.universe.name).toBe('sp500');
    expect(rank.data.universe.ranked).toBeGreaterThan(450);
    expect(rank.data.bar_date >= '2025-07-07').toBe(true);
    expect(rank.data.rows).toHaveLength(6);
    client.close();
  }, 60_000);

  it('sp500: a --symbols entry outside the universe is refused before anything listens, pointing at its list', () => {
    const r = run(['serve', '--port', '0', '--universe', 'sp500', '--symbols', 'ZZZQ'], {}, 30_000);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/unknown symbol ZZZQ in --symbols; `signals symbols --universe sp500` lists them/);
  });

  it('bundled (the default): the welcome says so', async () => {
    const ctx = await startServer();
    const client = await TestClient.connect(`${ctx.url}/ws/signals`);
    expect(client.messages.find((m) => m.type === 'connected').universe).toBe('bundled');
    client.close();
    await ctx.stop();
  });
});
