// Three real `signals serve` processes on one real Redis behave as one service: relays, leases, takeover, recovery, a Redis restart.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/cli.js';
import { startRedis, type TestRedis } from '../../bench/redis.js';
import { TestClient } from '../helpers/server.js';

const LEASE_MS = 1_000;
type Node = ReturnType<typeof spawnServe> & { ws: string; http: string; id: string };

let redis: TestRedis;
const nodes: Node[] = [];
const clients: TestClient[] = [];

const get = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as any };
};
const cluster = async (node: Node) => (await get(`${node.http}/ws/status`)).body.cluster;

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function startNode(): Promise<Node> {
  const serve = spawnServe(['--redis-url', redis.url, '--lease-ms', String(LEASE_MS), '--symbols', 'AAPL', '--threshold', '50']);
  const ws = await serve.url;
  const http = ws.replace('ws://', 'http://').replace('/ws/signals', '');
  const node = { ...serve, ws, http, id: (await cluster({ http } as Node)).node_id as string };
  nodes.push(node);
  return node;
}

/** Analyses of `trigger` this node ran itself, from its /metrics (relayed ones are not counted there). */
async function analysesRun(node: Node, trigger: string): Promise<number> {
  const text = await (await fetch(`${node.http}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('signals_analyses_total{') && line.includes(`trigger="${trigger}"`))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

const publications = (client: TestClient) =>
  client.messages.filter((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.symbol === 'AAPL');

/** Asks `client`'s node for an analysis of AAPL and waits for the publication it causes. */
async function analyze(client: TestClient): Promise<any> {
  const from = client.messages.length;
  client.send({ type: 'analyze', symbol: 'AAPL' });
  return client.next((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.trigger === 'manual', 10_000, from);
}

async function connect(node: Node): Promise<TestClient> {
  const client = await TestClient.subscribedTo(node.ws, 'AAPL');
  clients.push(client);
  return client;
}

let a: Node;
let b: Node;
let c: Node;

beforeAll(async () => {
  redis = await startRedis();
  // A first: it takes the lease of AAPL, the configured symbol, before B and C exist.
  a = await startNode();
  [b, c] = await Promise.all([startNode(), startNode()]);
  await until('every node to see all three', async () => {
    const views = await Promise.all([a, b, c].map(cluster));
    return views.every((v) => v.nodes.length === 3) ? true : undefined;
  });
}, 40_000);

afterAll(async () => {
  for (const client of clients) client.close();
  for (const node of nodes) node.child.kill('SIGKILL');
  await Promise.all(nodes.map((n) => n.exited));
  await redis?.destroy();
});

describe('three nodes on one Redis', () => {
  it('shows the cluster on every node: the nodes, who owns which symbol, and Redis', async () => {
    for (const node of [a, b, c]) {
      const view = await cluster(node);
      expect(view.owners).toEqual({ AAPL: a.id });
      expect(view.nodes.map((n: { node_id: string }) => n.node_id).sort()).toEqual([a.id, b.id, c.id].sort());
      expect(view.redis.status).toBe('up');
      const health = await get(`${node.http}/healthz`);
      expect(health).toMatchObject({ status: 200, body: { status: 'ok', redis: { status: 'up' } } });
    }
  });

  it('sends a client on node B the analysis node A ran, and runs it on A alone', async () => {
    const client = await connect(b);
    const published = await analyze(client);
    expect(published.data.seq).toBeGreaterThan(0);
    expect(await analysesRun(a, 'manual')).toBe(1);
    expect(await analysesRun(b, 'manual')).toBe(0);
    expect(await analysesRun(c, 'manual')).toBe(0);
    const metrics = await (await fetch(`${b.http}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`signals_relay_lag_seconds_count\\{node="${b.id}"\\} [1-9]`));
    expect(metrics).toMatch(new RegExp(`signals_redis_up\\{node="${b.id}"\\} 1`));
  });

  it('recovers exactly what a client missed when it reconnects from node A to node C with since', async () => {
    const first = await connect(a);
    const last = publications(first).at(-1);
    const cursor = { seq: last.data.seq as number, epoch: last.data.epoch as string };
    first.close();
    const onB = clients[0]!;
    const missed = [(await analyze(onB)).data.seq, (await analyze(onB)).data.seq];
    expect(missed).toEqual([cursor.seq + 1, cursor.seq + 2]);

    const again = await TestClient.connect(c.ws);
    clients.push(again);
    again.send({ type: 'subscribe', symbol: 'AAPL', since: cursor });
    expect(await again.next((m) => m.type === 'subscribed')).toMatchObject({ recovered: true, seq: cursor.seq + 2, epoch: cursor.epoch });
    await again.next((m) => m.data?.seq === cursor.seq + 2);
    expect(publications(again).map((m) => m.data.seq)).toEqual(missed);
  });

  it('hands the symbol of a node killed with SIGKILL to another within the lease time, its numbering unbroken', async () => {
    const onB = clients[0]!;
    const head = publications(onB).at(-1).data.seq as number;
    const killed = Date.now();
    a.child.kill('SIGKILL');
    const owner = await until('another owner of AAPL', async () => {
      const id = (await cluster(b)).owners.AAPL;
      return id !== undefined && id !== a.id ? (id as string) : undefined;
    });
    const took = Date.now() - killed;
    // The lease itself lapses within LEASE_MS; the rest is this test's polling of /ws/status on a busy machine.
    expect(took).toBeLessThan(LEASE_MS + 1_000);
    expect([b.id, c.id]).toContain(owner);
    expect((await analyze(onB)).data.seq).toBe(head + 1);
    const seqs = publications(onB).map((m) => m.data.seq as number);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    const history = await get(`${c.http}/api/v1/signals/AAPL?limit=1000`);
    expect(history.body.items.map((m: { data: { seq: number } }) => m.data.seq)).toEqual(Array.from({ length: head + 1 }, (_, i) => i + 1));
  });

  it('rides out a Redis restart: unhealthy while it is down, clients kept, then the same log carries on', async () => {
    const onB = clients[0]!;
    const before = publications(onB).at(-1).data;
    await redis.stop('SIGTERM');
    for (const node of [b, c]) {
      const down = await until('an unhealthy node', async () => {
        const health = await get(`${node.http}/healthz`);
        return health.status === 503 ? health.body : undefined;
      });
      expect(down).toMatchObject({ status: 'unhealthy', redis: { status: 'down' } });
    }
    await redis.restart();
    for (const node of [b, c]) {
      await until('a healthy node', async () => ((await get(`${node.http}/healthz`)).status === 200 ? true : undefined));
    }
    expect(onB.closed).toBeUndefined();
    const after = await until('an analysis after the restart', async () => (await analyze(onB)).data);
    expect(after).toMatchObject({ seq: before.seq + 1, epoch: before.epoch });
    expect([b.child.exitCode, c.child.exitCode]).toEqual([null, null]);
    expect(b.log()).toMatch(/lost the connection to Redis/);
    expect(b.log()).toMatch(/Redis is reachable again/);
  });

  it('drops malformed messages on its Redis channels and carries on', async () => {
    const admin = new Redis(redis.url);
    try {
      for (const garbage of ['', 'not json', '{"n":1}', '[]', '{"n":"x","t":0,"s":"AAPL","e":{"type":"error"}}', 'AAPL\n1\n1\nx\n0\n{']) {
        await admin.publish('signals:events', garbage);
        await admin.publish('signals:published', garbage);
        await admin.publish(`signals:analyze:${b.id}`, garbage);
      }
      await admin.publish(`signals:analyze:${b.id}`, JSON.stringify({ symbol: 'AAPL', trigger: 'not-a-trigger' }));
    } finally {
      admin.disconnect();
    }
    const onB = clients[0]!;
    const before = publications(onB).at(-1).data.seq as number;
    expect((await analyze(onB)).data.seq).toBe(before + 1);
    for (const node of [b, c]) expect((await get(`${node.http}/healthz`)).status).toBe(200);
  });

  it('gives its leases back when it shuts down, so the last node takes the symbol without waiting for a lapse', async () => {
    const id = (await cluster(b)).owners.AAPL as string;
    const [leaving, staying] = id === b.id ? [b, c] : [c, b];
    expect([b.id, c.id]).toContain(id);
    const admin = new Redis(redis.url);
    try {
      leaving.child.kill('SIGTERM');
      expect((await leaving.exited).code).toBe(0);
      expect(await admin.get('signals:{AAPL}:lease')).not.toBe(leaving.id);
      expect(await admin.hkeys('signals:nodes')).not.toContain(leaving.id);
    } finally {
      admin.disconnect();
    }
    const client = await connect(staying);
    const before = publications(client).at(-1).data.seq as number;
    expect((await analyze(client)).data.seq).toBe(before + 1);
    expect((await cluster(staying)).owners.AAPL).toBe(staying.id);
  });
});
