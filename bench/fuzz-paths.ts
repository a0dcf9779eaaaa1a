// Phase b: request targets for every endpoint, the web view's included (percent-encoding garbage, unicode, long paths, unknown paths, other methods) and their documented answers.
import type { RawClient } from './fuzz-client.js';
import type { Rng } from './fuzz-inputs.js';
import { BAD_REQUEST, httpAnswer, upgradeAnswer, WEB_PATHS } from './fuzz-oracle.js';
import { parallel, type Phase, type PhaseContext } from './fuzz-phase.js';
import { summary } from './fuzz-tally.js';
import { httpRequest, upgradeRequest } from './fuzz-wire.js';

interface Case {
  what: string;
  target: string;
  request: Buffer;
  upgrade: boolean;
  expected: readonly string[];
}

/** Node refuses a request head over 16 KiB itself. */
const TOO_LONG = ['HTTP 431', 'HTTP 414', 'HTTP 400'];
const MAX_HEAD = 16 * 1024;

const upgrade = (target: string, known: ReadonlySet<string>): Case => ({
  what: `upgrade ${target}`,
  target,
  request: upgradeRequest(target),
  upgrade: true,
  expected: upgradeRequest(target).length > MAX_HEAD ? TOO_LONG : upgradeAnswer(target, known),
});
const plain = (method: string, target: string, known: ReadonlySet<string>): Case => ({
  what: `${method} ${target}`,
  target,
  request: httpRequest(method, target),
  upgrade: false,
  expected: httpAnswer(method, target, known),
});

function fixedCases(known: ReadonlySet<string>): Case[] {
  const targets = [
    '/ws/signals',
    '/ws/signals?token=%',
    '/ws/signals?%E0%A4%A',
    '/ws/signals?x=%00&x=%zz',
    'http://127.0.0.1/ws/signals',
    '/ws/symbols/AAPL',
    '/ws/symbols/aapl',
    '/ws/symbols/BRK.B',
    '/ws/symbols/%41APL',
    '/ws/symbols/SPY?token=%',
    '/ws/symbols/%',
    '/ws/symbols/%E0%A4%A',
    '/ws/symbols/%zz',
    '/ws/symbols/%C0%AF',
    '/ws/symbols/AAPL%',
    '/ws/symbols/%%',
    '/ws/symbols/%ED%A0%80',
    '/ws/symbols/%C5%BFPY',
    '/ws/symbols/ſPY',
    '/ws/symbols/%3Cscript%3E',
    '/ws/symbols/A%2FB',
    '/ws/symbols/%00',
    '/ws/symbols/ZZZZ',
    '/ws/symbols/%20SPY%20',
    `/ws/symbols/${'A'.repeat(17)}`,
    `/ws/symbols/${'A'.repeat(5_000)}`,
    `/ws/symbols/${'%41'.repeat(2_000)}`,
    '/',
    '/nope',
    '/ws',
    '/ws/',
    '/ws/signals/',
    '/WS/SIGNALS',
    '/ws/symbols',
    '/ws/symbols/',
    '/ws/symbols/AAPL/x',
    '/ws/signalsX',
    '/ws//signals',
    '//ws/signals',
    '*',
    '/ws/symbols/..',
    '/ws/symbols/%2e%2e/signals',
    '/ws/status',
    '/healthz',
    `/${'x'.repeat(10_000)}`,
    `/ws/${'x'.repeat(20_000)}`,
  ];
  const cases = targets.map((t) => upgrade(t, known));
  for (const method of ['POST', 'PUT', 'DELETE']) {
    cases.push({
      what: `${method} upgrade /ws/signals`,
      target: '/ws/signals',
      request: upgradeRequest('/ws/signals', method),
      upgrade: true,
      expected: ['HTTP 400', 'HTTP 405'],
    });
  }
  const headers: [string, Record<string, string | undefined>, readonly string[]][] = [
    ['no Sec-WebSocket-Key', { 'Sec-WebSocket-Key': undefined }, BAD_REQUEST],
    ['a short Sec-WebSocket-Key', { 'Sec-WebSocket-Key': 'short' }, BAD_REQUEST],
    ['Sec-WebSocket-Version 99', { 'Sec-WebSocket-Version': '99' }, ['HTTP 400', 'HTTP 426']],
    ['Upgrade: h2c', { Upgrade: 'h2c' }, BAD_REQUEST],
    ['a garbage Sec-WebSocket-Protocol', { 'Sec-WebSocket-Protocol': ',,, ;' }, ['HTTP 400', 'HTTP 101']],
    ['garbage extensions', { 'Sec-WebSocket-Extensions': 'permessage-deflate; x=%%; ;;' }, ['HTTP 400', 'HTTP 101']],
  ];
  for (const [what, h, expected] of headers)
    cases.push({
      what: `upgrade /ws/signals with ${what}`,
      target: '/ws/signals',
      request: upgradeRequest('/ws/signals', 'GET', h),
      upgrade: true,
      expected,
    });
  cases.push({
    what: 'a request line that is not HTTP',
    target: 'GARBAGE',
    request: Buffer.from('GARBAGE\r\n\r\n'),
    upgrade: false,
    expected: BAD_REQUEST,
  });
  const gets = [
    '/healthz',
    '/ws/status',
    '/metrics',
    '/healthz?x=%',
    '/healthz%',
    '/ws/status/',
    '/%E0%A4%A',
    '/nope',
    '/',
    '/ws/signals',
    '/api/v1/signals/AAPL',
    '/api/v1/signals/brk.b?since_seq=0&limit=1000',
    '/api/v1/signals/SPY?from=2025-07-08&to=2025-07-09T00:00:00Z',
    '/api/v1/signals/ZZZZ',
    '/api/v1/signals/%',
    '/api/v1/signals/%E0%A4%A',
    '/api/v1/signals/%C5%BFPY',
    '/api/v1/signals/AAPL?limit=0',
    '/api/v1/signals/AAPL?limit=1001',
    '/api/v1/signals/AAPL?limit=ten',
    '/api/v1/signals/AAPL?since_seq=-1',
    '/api/v1/signals/AAPL?from=yesterday',
    '/api/v1/signals/ZZZZ?limit=0',
    '/api/v1/signals/',
    '/api/v1/signals',
    '/api/v1/signals/AAPL/x',
    '/api/v1/bars/AAPL',
    '/api/v1/bars/brk.b?from=2024-01-02&to=2024-06-28&limit=1000',
    '/api/v1/bars/SPY?limit=1',
    '/api/v1/bars/ZZZZ',
    '/api/v1/bars/%',
    '/api/v1/bars/%C5%BFPY',
    '/api/v1/bars/AAPL?limit=0',
    '/api/v1/bars/AAPL?limit=1001',
    '/api/v1/bars/AAPL?limit=1e3',
    '/api/v1/bars/AAPL?limit=%201',
    '/api/v1/bars/AAPL?from=2024-02-30',
    '/api/v1/bars/AAPL?to=2024-06-28T00:00:00Z',
    '/api/v1/bars/AAPL?from=2024-06-28&to=2024-01-02',
    '/api/v1/bars/AAPL?limit=5&limit=x',
    '/api/v1/bars/ZZZZ?limit=0',
    '/api/v1/bars/',
    '/api/v1/bars',
    '/api/v1/bars/AAPL/x',
    // The web view: its page and assets, and paths beside them.
    '/?token=%',
    '/?%E0%A4%A',
    '/index.html',
    '/assets',
    '/assets/',
    '/assets/nope.js',
    '/assets/%2e%2e/index.html',
    '/assets/..%2Fmain.js',
    '/assets/main.js%00',
    '/assets/main.js/',
    '/assets/MAIN.JS',
    '/assets//main.js',
    `/assets/${'x'.repeat(5_000)}`,
    ...WEB_PATHS,
  ];
  for (const t of gets) cases.push(plain('GET', t, known));
  for (const m of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
    cases.push(plain(m, '/healthz', known), plain(m, '/api/v1/signals/AAPL', known), plain(m, '/nope', known), plain(m, '/', known));
    cases.push(plain(m, '/assets/style.css', known), plain(m, '/api/v1/bars/AAPL', known));
  }
  return cases;
}

const PIECES = [
  'main.js',
  'style.css',
  'index.html',
  '%',
  '%E0%A4%A',
  '%zz',
  '%C0%AF',
  '%C5%BF',
  '%F0%9F%98%80',
  'ſ',
  'PY',
  'SPY',
  'aapl',
  'BRK.B',
  '%2F',
  '/',
  '%00',
  '.',
  '..',
  '^',
  '=',
  '-',
  '%41',
  '%%',
  '?',
  '?token=%',
  ';',
  '"',
  '<',
  '`',
  '{',
  '|',
  '\\',
  '+',
  '&',
  '~',
  '%2e',
  '?limit=0',
  '?limit=1000',
  '&limit=x',
  '?since_seq=1',
  '&from=yesterday',
  '?to=2025-07-08',
  '&from=2024-02-29',
  '?from=2023-02-29',
];

function randomCase(rng: Rng, known: ReadonlySet<string>): Case {
  const prefix = rng.pick([
    '/ws/symbols/',
    '/ws/symbols/',
    '/ws/symbols/',
    '/ws/signals',
    '/ws/',
    '/',
    '/healthz',
    '/ws/status',
    '/metrics',
    '/api/v1/signals/',
    '/api/v1/signals/',
    '/api/v1/bars/',
    '/assets/',
  ]);
  let target = prefix;
  for (let n = rng.int(6); n > 0; n--) target += rng.chance(0.1) ? 'A'.repeat(rng.int(3_000)) : rng.pick(PIECES);
  return rng.chance(0.7) ? upgrade(target, known) : plain(rng.pick(['GET', 'GET', 'GET', 'POST', 'HEAD']), target, known);
}

/** What the server answered: the status; after a 101 to a symbol path, the subscription or the UNKNOWN_SYMBOL error and close. */
function observed(c: RawClient, target: boolean): string {
  if (c.stream.status === undefined) return c.ending ? `no HTTP answer (${c.ending})` : 'no HTTP answer';
  if (c.stream.status !== 101 || !target) return `HTTP ${c.stream.status}`;
  if (c.has('subscribed')) return 'HTTP 101 subscribed';
  if (c.errors().includes('UNKNOWN_SYMBOL') && c.stream.close?.code === 1008) return 'HTTP 101 UNKNOWN_SYMBOL close 1008';
  return summary(c);
}

/** Whether `body` is what the endpoint at `target` documents. */
function bodyOk(target: string, body: string): boolean {
  const path = new URL(target, 'http://localhost').pathname;
  if (path === '/metrics') return body.includes('signals_connections');
  if (path === '/') return body.startsWith('<!doctype html>');
  if (WEB_PATHS.has(path)) return body.length > 0;
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    if (path === '/healthz') return json.status === 'ok';
    if (path === '/ws/status') return typeof json.websocket_manager === 'object';
    if (path.startsWith('/api/v1/bars/')) return Array.isArray(json.bars);
    return Array.isArray(json.items);
  } catch {
    return false;
  }
}

async function run(ctx: PhaseContext, c: Case): Promise<void> {
  const client = await ctx.open();
  if (!client) return;
  const symbolPath = c.upgrade && c.expected.some((e) => e.startsWith('HTTP 101 '));
  client.write(c.request);
  // Settled: refused, or closed, or (after a 101) welcomed and, on a symbol path, subscribed or sent away.
  await client.until(() => {
    const s = client.stream.status;
    if (client.closed || (s !== undefined && s !== 101 && !(s === 200 && !c.upgrade))) return true;
    return s === 101 && client.has('connected') && (!symbolPath || client.has('subscribed') || client.dropped());
  }, 5_000);
  client.destroy();
  ctx.tally.client(client);
  const answer = observed(client, symbolPath);
  if (ctx.tally.expect(c.what, c.expected, answer) && answer === 'HTTP 200' && c.what.startsWith('GET ') && !bodyOk(c.target, client.stream.body)) {
    ctx.tally.wrong(c.what, 'the documented body', JSON.stringify(client.stream.body.slice(0, 80)));
  }
}

export const paths: Phase = {
  id: 'b',
  title: 'URL and path fuzzing',
  async run(ctx) {
    const known = new Set(ctx.symbols);
    const cases = fixedCases(known);
    for (let i = 0; i < ctx.sizes.randomPaths; i++) cases.push(randomCase(ctx.rng, known));
    await parallel(cases.length, ctx.sizes.concurrency, ctx.over, (i) => run(ctx, cases[i]!));
  },
};
