// A running server's history over HTTP: a page of a symbol's logged publications (GET /api/v1/signals/{symbol}) and its daily bars (GET /api/v1/bars/{symbol}).
import * as z from 'zod';
import { BarsPage } from '../protocol/bars.js';
import { SignalsError, type ErrorCode } from '../protocol/errors.js';
import { HistoryMessage } from '../protocol/messages.js';
import { ConnectError } from './connect-error.js';

/** A page as the endpoint answers it: the WebSocket `history` message without its type and id. */
export const HistoryPage = HistoryMessage.omit({ type: true, id: true });
export type HistoryPage = z.infer<typeof HistoryPage>;

export interface HistoryQuery {
  /** Publications with a seq above this. */
  sinceSeq?: number | undefined;
  /** Logged at or after / before these times (ms since the epoch). */
  fromTime?: number | undefined;
  toTime?: number | undefined;
  /** 1 to 1000; the server's default is 100. */
  limit?: number | undefined;
}

/** Which of a symbol's daily bars to read: days from `from` to `to` (YYYY-MM-DD, inclusive), the newest `limit` of them. */
export interface BarsRequest {
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
}

/**
 * The HTTP base of a signals server from the URL a user gives it: `ws://host:8000/ws/signals` and
 * `http://host:8000` name the same server (a path before `/ws/` is kept, for a server behind a proxy's prefix).
 * @example httpBase('wss://example.com/signals/ws/signals') // 'https://example.com/signals'
 */
export function httpBase(url: string): string {
  const u = new URL(url);
  const protocol = u.protocol === 'wss:' ? 'https:' : u.protocol === 'ws:' ? 'http:' : u.protocol;
  const at = u.pathname.indexOf('/ws/');
  const path = (at >= 0 ? u.pathname.slice(0, at) : u.pathname).replace(/\/+$/, '');
  return `${protocol}//${u.host}${path}`;
}

/** What the server's error bodies carry (docs/protocol.md): a message and a stable code. */
const ErrorBody = z.object({ error: z.string().optional(), code: z.string().optional() });

function errorBody(text: string): z.infer<typeof ErrorBody> {
  try {
    const parsed = ErrorBody.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** Times a page refused with 429 is asked again, and the longest Retry-After waited for. */
const MAX_RATE_RETRIES = 5;
const MAX_RETRY_AFTER_S = 30;

/**
 * @example
 * const history = new HistoryClient({ url: 'http://127.0.0.1:8000', token: process.env.SIGNALS_TOKEN });
 * const page = await history.page('AAPL', { sinceSeq: 0, limit: 1000 }); // then ask again from page.next_seq
 * const { bars } = await history.bars('AAPL', { limit: 120 }); // the last 120 sessions, the one trading now last
 */

export class HistoryClient {
  readonly base: string;

  constructor(private readonly options: { url: string; token?: string | undefined; timeoutMs?: number }) {
    this.base = httpBase(options.url);
  }

  /**
   * One page of the symbol's logged publications, asked again after a 429's Retry-After (up to 5 times); rejects with
   * UNKNOWN_SYMBOL (404 for the symbol), AUTH_FAILED (401), RATE_LIMITED (429 still), SERVER_BUSY (503), BAD_ARGUMENT
   * (400) or CONNECTION_FAILED (nothing answered, or not a signals server).
   */
  async page(symbol: string, query: HistoryQuery): Promise<HistoryPage> {
    const params = new URLSearchParams();
    if (query.sinceSeq !== undefined) params.set('since_seq', String(query.sinceSeq));
    if (query.fromTime !== undefined) params.set('from', new Date(query.fromTime).toISOString());
    if (query.toTime !== undefined) params.set('to', new Date(query.toTime).toISOString());
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return this.get(`${this.base}/api/v1/signals/${encodeURIComponent(symbol)}?${params.toString()}`, symbol, HistoryPage, 'with a signal log');
  }

  /**
   * The symbol's daily bars known at the server's market clock, oldest first: the newest `limit` (1 to 1000, the
   * server's default 250) from `from` to `to` (YYYY-MM-DD, inclusive); `next_to` for earlier ones. Rejects as `page`.
   */
  async bars(symbol: string, query: BarsRequest = {}): Promise<BarsPage> {
    const params = new URLSearchParams();
    if (query.from !== undefined) params.set('from', query.from);
    if (query.to !== undefined) params.set('to', query.to);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    return this.get(`${this.base}/api/v1/bars/${encodeURIComponent(symbol)}?${params.toString()}`, symbol, BarsPage, 'with market history');
  }

  /** GETs `target`, asked again after a 429's Retry-After; its body checked against `schema`, its refusals as stable codes. */
  private async get<T>(target: string, symbol: string, schema: z.ZodType<T>, serves: string): Promise<T> {
    let { response, text } = await this.fetch(target);
    // A server paces history per address (429 with Retry-After): wait as it says, a few times, before giving up.
    for (let retry = 0; response.status === 429 && retry < MAX_RATE_RETRIES; retry++) {
      const seconds = Number(response.headers.get('retry-after'));
      await new Promise((resolve) => setTimeout(resolve, 1000 * Math.min(MAX_RETRY_AFTER_S, Number.isFinite(seconds) && seconds > 0 ? seconds : 1)));
      ({ response, text } = await this.fetch(target));
    }
    if (response.ok) {
      let parsed: ReturnType<typeof schema.safeParse> | undefined;
      try {
        parsed = schema.safeParse(JSON.parse(text));
      } catch {
        parsed = undefined;
      }
      if (parsed?.success) return parsed.data;
      throw new ConnectError('CONNECTION_FAILED', `${this.base} answered, but not as a signals server does; check --url`, response.status);
    }
    const body = errorBody(text);
    const said = body.error ? `: ${body.error}` : '';
    const refused: Partial<Record<number, ErrorCode>> = { 401: 'AUTH_FAILED', 429: 'RATE_LIMITED', 503: 'SERVER_BUSY', 400: 'BAD_ARGUMENT' };
    if (response.status === 404 && body.code === 'UNKNOWN_SYMBOL')
      throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${symbol} at ${this.base}`);
    const code = refused[response.status];
    if (code === 'AUTH_FAILED') {
      throw new ConnectError(
        code,
        `the server at ${this.base} ${this.options.token ? 'refused the token' : 'requires a token'}${said}`,
        response.status,
      );
    }
    if (code) throw new ConnectError(code, `the server at ${this.base} answered ${response.status}${said}`, response.status);
    throw new ConnectError(
      'CONNECTION_FAILED',
      `the server at ${this.base} answered ${response.status}: not a signals server ${serves}; check --url`,
      response.status,
    );
  }

  private async fetch(target: string): Promise<{ response: Response; text: string }> {
    try {
      const response = await fetch(target, {
        headers: this.options.token ? { authorization: `Bearer ${this.options.token}` } : {},
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      return { response, text: await response.text() };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new ConnectError('CONNECTION_FAILED', timedOut ? `no answer from ${this.base} in time` : `nothing answered at ${this.base}`, undefined);
    }
  }
}
