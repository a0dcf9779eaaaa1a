// The documented answers (docs/protocol.md): to a client frame on /ws/signals, decided with the protocol's own zod schemas, and to a request target.
import { isUtf8 } from 'node:buffer';
import { readdirSync } from 'node:fs';
import { BarsQuery } from '../src/protocol/bars.js';
import { clientMessageTypes, clientSchemas } from '../src/protocol/messages.js';
import { isSymbol, normaliseSymbol } from '../src/protocol/symbol.js';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import { findUp } from './fuzz-server.js';
import { Opcode } from './fuzz-wire.js';

/** The inbound frame limit: larger is closed with 1009. */
const MAX_FRAME_BYTES = DEFAULT_LIMITS.maxFrameBytes;
/** JSON nested deeper than this is INVALID_JSON, unparsed. */
const MAX_NESTING = 32;

export type Answer =
  /** The connection is closed with this code (1007 not UTF-8, 1009 too big). */
  | { close: number }
  /**
   * An error with this code; the connection stays open. `late`: it may come after the answers to later requests;
   * `analysis`: the request spent a token of the analyze rate limit before it was refused.
   */
  | { error: string; late?: true; analysis?: true }
  /**
   * A request the server carries out. `unknown`: how many of its symbols are unknown (each may draw an
   * UNKNOWN_SYMBOL error); `analysis`: it spends a token of the analyze rate limit; `history`: it is
   * answered with a `history` page, `rank` with a `rank` message, either of which may come after the answers to
   * later requests.
   */
  | { served: true; unknown: number; analysis: boolean; history?: true; rank?: true };

/** Whether more than `max` arrays and objects are nested inside each other in a parsed value (iteratively: inputs nest thousands deep). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, outer] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (outer + 1 > max) return true;
    for (const child of Object.values(v)) stack.push([child, outer + 1]);
  }
  return false;
}

/**
 * What the server must answer to one frame, before rate limits.
 * @example expectedAnswer(Opcode.TEXT, Buffer.from('{"type":"nope"}'), symbols) // { error: 'UNKNOWN_TYPE' }
 */
export function expectedAnswer(opcode: number, payload: Buffer, symbols: ReadonlySet<string>): Answer {
  if (payload.length > MAX_FRAME_BYTES) return { close: 1009 };
  if (opcode === Opcode.BINARY) return { error: 'BINARY_NOT_SUPPORTED' };
  if (!isUtf8(payload)) return { close: 1007 };
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString());
  } catch {
    return { error: 'INVALID_JSON' };
  }
  if (nestsDeeperThan(raw, MAX_NESTING)) return { error: 'INVALID_JSON' };
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== 'string' || !(clientMessageTypes as readonly string[]).includes(type)) return { error: 'UNKNOWN_TYPE' };
  const parsed = clientSchemas[type as keyof typeof clientSchemas].safeParse(raw);
  if (!parsed.success) return { error: 'INVALID_MESSAGE' };
  const message = parsed.data;
  const unknown = (list: string[]) => list.filter((s) => !symbols.has(normaliseSymbol(s))).length;
  switch (message.type) {
    case 'analyze':
      // On /ws/signals an analyze must name its symbol; an unknown one is refused before the rate limit.
      if (message.symbol === undefined) return { error: 'INVALID_MESSAGE' };
      if (unknown([message.symbol]) > 0) return { error: 'UNKNOWN_SYMBOL' };
      return { served: true, unknown: 0, analysis: true };
    case 'subscribe':
      return {
        served: true,
        unknown: unknown([...(message.symbol !== undefined ? [message.symbol] : []), ...(message.symbols ?? [])]),
        analysis: false,
      };
    case 'history':
      // Answered after a read of the signal log, so its error too may come after the answers to later requests.
      if (unknown([message.symbol]) > 0) return { error: 'UNKNOWN_SYMBOL', late: true };
      if ([message.from, message.to].some((t) => t !== undefined && Number.isNaN(Date.parse(t)))) return { error: 'INVALID_MESSAGE', late: true };
      return { served: true, unknown: 0, analysis: false, history: true };
    case 'rank':
      // The fuzz server replays the bundled data (SPY's 2005-10-10 to 2025-10-08) from 2025-07-08: a day before that is
      // ranked, one outside the data refused once the ranking is asked for. Unknown symbols simply have no row.
      if (message.as_of !== undefined && (message.as_of < '2005-10-10' || message.as_of > '2025-10-08')) {
        return { error: 'DATE_OUT_OF_RANGE', late: true, analysis: true };
      }
      return { served: true, unknown: 0, analysis: true, rank: true };
    default:
      return { served: true, unknown: 0, analysis: false };
  }
}

const OPEN = ['HTTP 101'];
const SUBSCRIBED = ['HTTP 101 subscribed'];
/** A path symbol that is no symbol, or not one of ours: refused before the upgrade, or UNKNOWN_SYMBOL and 1008 after it. */
const BAD_SYMBOL = ['HTTP 400', 'HTTP 101 UNKNOWN_SYMBOL close 1008'];
export const BAD_REQUEST = ['HTTP 400'];
const NOT_FOUND = ['HTTP 404'];
const HTTP_ENDPOINTS = ['/healthz', '/ws/status', '/metrics'];
const HISTORY_PATH = /^\/api\/v1\/signals\/([^/]+)$/;
const BARS_PATH = /^\/api\/v1\/bars\/([^/]+)$/;
const MAX_HISTORY_LIMIT = 1000;

/**
 * A request target read as a URL (dot segments resolved, as for any HTTP server), or undefined if it is
 * none; Node itself refuses a request line with bytes outside printable ASCII.
 */
function url(target: string): URL | undefined {
  if (/[^\x21-\x7e]/.test(target)) return undefined;
  try {
    return new URL(target, 'http://localhost');
  } catch {
    return undefined;
  }
}

/** A path segment's symbol, percent-decoded, or undefined if its encoding is broken. */
function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The documented answers to an upgrade request for `target`: `HTTP 101` on /ws/signals; on
 * /ws/symbols/{symbol} `HTTP 101 subscribed`, or for a symbol that is none or not ours a 400 or
 * `HTTP 101 UNKNOWN_SYMBOL close 1008`; 400 for broken percent-encoding; 404 for any other path.
 */
export function upgradeAnswer(target: string, known: ReadonlySet<string>): readonly string[] {
  const path = url(target)?.pathname;
  if (path === undefined) return BAD_REQUEST;
  if (path === '/ws/signals') return OPEN;
  const m = /^\/ws\/symbols\/([^/]+)$/.exec(path);
  if (!m) return NOT_FOUND;
  const symbol = decoded(m[1]!);
  if (symbol === undefined) return BAD_REQUEST;
  return isSymbol(symbol) && known.has(normaliseSymbol(symbol)) ? SUBSCRIBED : BAD_SYMBOL;
}

/**
 * GET /api/v1/signals/{symbol}: 200; 400 for a symbol that is none (or broken percent-encoding) or a bad
 * parameter (since_seq a whole number, limit one from 1 to 1000, from and to dates or times); 404 for an
 * unknown symbol (either of 400 and 404 when both apply).
 */
function historyAnswer(segment: string, params: URLSearchParams, known: ReadonlySet<string>): readonly string[] {
  const symbol = decoded(segment);
  if (symbol === undefined || !isSymbol(symbol)) return BAD_REQUEST;
  const count = (name: string, min: number, max: number) => {
    const raw = params.get(name);
    return raw === null || (/^\d{1,15}$/.test(raw) && Number(raw) >= min && Number(raw) <= max);
  };
  const time = (name: string) => params.get(name) === null || !Number.isNaN(Date.parse(params.get(name)!));
  const bad = !count('since_seq', 0, Number.MAX_SAFE_INTEGER) || !count('limit', 1, MAX_HISTORY_LIMIT) || !time('from') || !time('to');
  const unknown = !known.has(normaliseSymbol(symbol));
  if (bad) return unknown ? ['HTTP 400', 'HTTP 404'] : BAD_REQUEST;
  return unknown ? NOT_FOUND : ['HTTP 200'];
}

/**
 * GET /api/v1/bars/{symbol}: 200; 400 for a symbol that is none (or broken percent-encoding) or a query the protocol's
 * BarsQuery refuses (from and to days, limit from 1 to 1000; a parameter given twice counts once); then 404 for an unknown symbol.
 */
function barsAnswer(segment: string, params: URLSearchParams, known: ReadonlySet<string>): readonly string[] {
  const symbol = decoded(segment);
  if (symbol === undefined || !isSymbol(symbol)) return BAD_REQUEST;
  const given = (name: string) => params.get(name) ?? undefined;
  if (!BarsQuery.safeParse({ from: given('from'), to: given('to'), limit: given('limit') }).success) return BAD_REQUEST;
  return known.has(normaliseSymbol(symbol)) ? ['HTTP 200'] : NOT_FOUND;
}

/**
 * The web view's paths, which `serve` answers with 200 unless `--no-web`: GET / and each file the build put in
 * dist/web/assets (any other path under /assets/ is 404).
 */
export const WEB_PATHS: ReadonlySet<string> = new Set(['/', ...readdirSync(findUp('dist/web/assets')).map((name) => `/assets/${name}`)]);

/** The documented answers to a plain HTTP request (no upgrade). */
export function httpAnswer(method: string, target: string, known: ReadonlySet<string>): readonly string[] {
  const parsed = url(target);
  if (parsed === undefined) return BAD_REQUEST;
  const path = parsed.pathname;
  const history = HISTORY_PATH.exec(path);
  const bars = BARS_PATH.exec(path);
  const endpoint = history !== null || bars !== null || HTTP_ENDPOINTS.includes(path) || WEB_PATHS.has(path);
  const get = history
    ? historyAnswer(history[1]!, parsed.searchParams, known)
    : bars
      ? barsAnswer(bars[1]!, parsed.searchParams, known)
      : HTTP_ENDPOINTS.includes(path) || WEB_PATHS.has(path)
        ? ['HTTP 200']
        : path === '/ws/signals' || path.startsWith('/ws/symbols/')
          ? ['HTTP 404', 'HTTP 426', 'HTTP 400']
          : NOT_FOUND;
  if (method === 'GET') return get;
  if (method === 'HEAD') return [...get, 'HTTP 405'];
  return endpoint ? ['HTTP 405'] : ['HTTP 404', 'HTTP 405'];
}
