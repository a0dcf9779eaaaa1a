// Phases h to l: floods of reads of the log and the market history (history and bars over HTTP, history over WebSocket, replays from seq 0), which must not slow the bystander.
import { Agent, request } from 'node:http';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import type { Phase, PhaseContext } from './fuzz-phase.js';
import { READ_SYMBOL } from './fuzz-server.js';
import { clientFrame } from './fuzz-wire.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Addresses phase h's connections come from: several share each address, so both the per-address and the global limits act. */
const HTTP_ADDRESSES = 8;
/** Phase i: each connection asks for a page this often (20 a second, within the per-connection message limit). */
const WS_ASK_MS = 50;
/** Phases j and k: each connection subscribes with `since: {seq: 0}` and unsubscribes once per this (about 4.4 messages a second). */
const LOOP_MS = 450;

/** One GET on a keep-alive agent: its status and body, or undefined when the connection ended without an answer. */
function get(port: number, agent: Agent, address: string, path: string): Promise<{ status: number; body: string } | undefined> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent, localAddress: address }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    req.end();
  });
}

/** What phase h's connections ask for, in turn: pages of 1,000 publications, and 1,000 daily bars (the most either answers). */
const HTTP_READS = [
  { what: 'history limit=1000', path: `/api/v1/signals/${READ_SYMBOL}?limit=1000`, list: 'items' },
  { what: 'bars limit=1000', path: `/api/v1/bars/${READ_SYMBOL}?limit=1000`, list: 'bars' },
] as const;
type HttpRead = (typeof HTTP_READS)[number];

/** The documented answer to a history or bars GET: a page whose list is not empty, or 429 with RATE_LIMITED. */
function readAnswer(read: HttpRead, answer: { status: number; body: string }): string {
  try {
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    const list = body[read.list];
    if (answer.status === 200 && Array.isArray(list) && list.length > 0) return 'HTTP 200';
    if (answer.status === 429 && body.code === 'RATE_LIMITED') return 'HTTP 429';
  } catch {
    // Not JSON: wrong, below.
  }
  return `HTTP ${answer.status}: ${answer.body.slice(0, 80)}`;
}

/** One keep-alive connection asking for `read` as fast as the answers come, until `until`. */
async function httpReader(ctx: PhaseContext, read: HttpRead, address: string, until: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  while (Date.now() < until && !ctx.over()) {
    const answer = await get(ctx.port, agent, address, read.path);
    if (!answer) {
      // Closed by the server (an address past its abuse budget, or past its connection cap): connect again.
      ctx.tally.count('HTTP connection closed');
      await sleep(10);
      continue;
    }
    const got = readAnswer(read, answer);
    if (ctx.tally.expect(`GET ${read.what} from ${address}`, ['HTTP 200', 'HTTP 429'], got)) ctx.tally.count(got);
  }
  agent.destroy();
}

/** One WebSocket connection from `address` asking for pages of 1,000 20 times a second; reconnects when closed (429 while penalised). */
async function wsReader(ctx: PhaseContext, address: string, until: number): Promise<void> {
  const ask = clientFrame(JSON.stringify({ type: 'history', symbol: READ_SYMBOL, limit: 1000 }));
  while (Date.now() < until && !ctx.over()) {
    const client = await ctx.open({ address, skim: true });
    if (!client) {
      await sleep(100);
      continue;
    }
    const status = await client.upgrade('/ws/signals', 3_000);
    while (status === 101 && Date.now() < until && !ctx.over() && !client.dropped()) {
      client.write(ask);
      ctx.frames += 1;
      await sleep(WS_ASK_MS);
    }
    client.destroy();
    ctx.tally.client(client);
    if (status !== 101 && status !== 429) ctx.tally.wrong(`upgrade from ${address}`, 'HTTP 101 or 429', `HTTP ${status}`);
    const wrong = client.errors().filter((code) => code !== 'RATE_LIMITED');
    if (wrong.length > 0) ctx.tally.wrong(`history requests 20 a second from ${address}`, 'pages, RATE_LIMITED, close 1008', wrong.join(', '));
    if (status !== 101) await sleep(100);
  }
}

/** One connection subscribing with `since: {seq: 0}` (a replay of the whole log) and unsubscribing, again and again. */
async function replayLooper(ctx: PhaseContext, epoch: string, until: number, address?: string): Promise<void> {
  const client = await ctx.open({ skim: true, ...(address !== undefined ? { address } : {}) });
  if (!client) return;
  const status = await client.upgrade('/ws/signals', 3_000);
  const subscribe = clientFrame(JSON.stringify({ type: 'subscribe', symbol: READ_SYMBOL, since: { seq: 0, epoch } }));
  const unsubscribe = clientFrame(JSON.stringify({ type: 'unsubscribe', symbol: READ_SYMBOL }));
  while (status === 101 && Date.now() < until && !ctx.over() && !client.dropped()) {
    client.write(subscribe);
    await sleep(LOOP_MS / 2);
    client.write(unsubscribe);
    await sleep(LOOP_MS / 2);
    ctx.frames += 2;
  }
  client.destroy();
  ctx.tally.client(client);
  if (status !== 101) ctx.tally.wrong(`upgrade from ${client.address}`, 'HTTP 101', `HTTP ${status}`);
  if (client.errors().length > 0)
    ctx.tally.wrong(`subscribe since seq 0, unsubscribe, from ${client.address}`, 'no error', client.errors().join(', '));
  if (client.stream.close)
    ctx.tally.wrong(`subscribe since seq 0, unsubscribe, from ${client.address}`, 'the connection kept', `close ${client.stream.close.code}`);
}

/** The server's count of replays begun, from /metrics. */
async function replaysBegun(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^signals_log_reads_total\{kind="replay"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

/** The epoch of the log under attack, from a history page. */
async function epochOf(port: number): Promise<string> {
  const page = (await (await fetch(`http://127.0.0.1:${port}/api/v1/signals/${READ_SYMBOL}?limit=1`)).json()) as { epoch: string };
  return page.epoch;
}

export const httpHistory: Phase = {
  id: 'h',
  title: 'HTTP history and bars floods',
  bystander: true,
  async run(ctx) {
    const addresses = Array.from({ length: HTTP_ADDRESSES }, () => ctx.attackers.address());
    const until = Date.now() + ctx.sizes.floodSeconds * 1000;
    await Promise.all(
      Array.from({ length: ctx.sizes.httpReaders }, (_, i) =>
        httpReader(ctx, HTTP_READS[i % HTTP_READS.length]!, addresses[i % HTTP_ADDRESSES]!, until),
      ),
    );
  },
};

export const wsHistory: Phase = {
  id: 'i',
  title: 'WebSocket history floods',
  bystander: true,
  async run(ctx) {
    const address = ctx.attackers.address();
    const until = Date.now() + ctx.sizes.floodSeconds * 1000;
    await Promise.all(Array.from({ length: ctx.sizes.wsReaders }, () => wsReader(ctx, address, until)));
  },
};

/** Phases j and k: `connections` replay loops, each from an address of its own. */
function replays(id: string, connections: number): Phase {
  return {
    id,
    title: `replay loops on ${connections} connections`,
    bystander: true,
    async run(ctx) {
      const epoch = await epochOf(ctx.port);
      const until = Date.now() + ctx.sizes.floodSeconds * 1000;
      await Promise.all(Array.from({ length: connections }, () => replayLooper(ctx, epoch, until)));
    },
  };
}

export const replayLoops = replays('j', 3);
export const replayLoopsWide = replays('k', 10);

/**
 * Phase l: the replay loop on many connections of one address. Replays share their address's reads with
 * history requests, so the replays the server began may not exceed what the address may read in the time.
 */
export const replayLoopsOneAddress: Phase = {
  id: 'l',
  title: 'replay loops on many connections of one address',
  bystander: true,
  async run(ctx) {
    const epoch = await epochOf(ctx.port);
    const address = ctx.attackers.address();
    const before = await replaysBegun(ctx.port);
    const started = Date.now();
    const until = started + ctx.sizes.floodSeconds * 1000;
    await Promise.all(Array.from({ length: ctx.sizes.wsReaders }, () => replayLooper(ctx, epoch, until, address)));
    const begun = (await replaysBegun(ctx.port)) - before;
    const seconds = (Date.now() - started) / 1000;
    const allowed = Math.floor(DEFAULT_LIMITS.readBurst + DEFAULT_LIMITS.readsPerSecond * seconds);
    const asked = Math.round((ctx.sizes.wsReaders * seconds * 1000) / LOOP_MS);
    ctx.checks.push({
      name: 'replays within the address read limit',
      ok: begun <= allowed,
      detail: `${begun} replays begun for about ${asked} asked in ${seconds.toFixed(1)} s from one address; its reads allow ${allowed} (burst ${DEFAULT_LIMITS.readBurst}, ${DEFAULT_LIMITS.readsPerSecond}/s)`,
    });
  },
};
