// JSON over HTTP from a market-data provider: a time limit, HTTP 429 honoured as Retry-After says, errors with stable codes.
import type { z } from 'zod';
import { SignalsError } from '../protocol/errors.js';

export interface HttpOptions {
  /** The provider's name, for messages ("yahoo", "alpaca", "fred"). */
  provider: string;
  headers?: Record<string, string>;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  /** Retries after a 429 (default 3); the wait is what Retry-After says, capped at `maxWaitMs`. */
  retries?: number;
  maxWaitMs?: number;
  /** Told of each 429 before the wait. */
  onRateLimited?: (waitMs: number) => void;
  /** Statuses answered with their body instead of an error (e.g. 404 for an unknown symbol). */
  accept?: number[];
}

/** Wait when a 429 carries no Retry-After. */
const DEFAULT_WAIT_MS = 1_000;

/** Retry-After as milliseconds from now: delay-seconds or an HTTP-date (RFC 9110 10.2.3). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A URL for messages: without its query, which may hold an API key. */
const shown = (url: URL) => `${url.origin}${url.pathname}`;

/**
 * GETs `url` and validates its JSON with `schema`. Throws PROVIDER_UNAVAILABLE (unreachable, timed out, an error
 * status, still 429 after the retries), PROVIDER_AUTH_FAILED (401, 403) or DATA_ERROR (a body that is not the
 * documented shape).
 * @example const chart = await getJson(new URL('https://host/v8/finance/chart/AAPL'), ChartResponse, { provider: 'yahoo' });
 */
export async function getJson<T>(url: URL, schema: z.ZodType<T>, options: HttpOptions): Promise<{ status: number; body: T }> {
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: 'application/json', ...options.headers },
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.message : String(error));
      throw new SignalsError('PROVIDER_UNAVAILABLE', `${options.provider} is unreachable at ${url.origin} (${cause})`);
    }
    if (response.status === 429 && attempt < retries) {
      await response.body?.cancel();
      const wait = Math.min(options.maxWaitMs ?? 60_000, retryAfterMs(response.headers.get('retry-after')) ?? DEFAULT_WAIT_MS * 2 ** attempt);
      options.onRateLimited?.(wait);
      await sleep(wait);
      continue;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new SignalsError(
        'PROVIDER_AUTH_FAILED',
        `${options.provider} refused the API key (HTTP ${response.status} from ${shown(url)}); check it`,
      );
    }
    if (!response.ok && !(options.accept ?? []).includes(response.status)) {
      const text = (await response.text().catch(() => '')).slice(0, 200);
      const why = response.status === 429 ? `still rate limited after ${retries} retries` : `HTTP ${response.status}`;
      throw new SignalsError('PROVIDER_UNAVAILABLE', `${options.provider} answered ${why} from ${shown(url)}${text ? `: ${text}` : ''}`);
    }
    let json: unknown;
    try {
      json = await response.json();
    } catch {
      throw new SignalsError('DATA_ERROR', `${options.provider} answered ${shown(url)} with a body that is not JSON`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SignalsError(
        'DATA_ERROR',
        `${options.provider} answered ${shown(url)} with an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message})`,
      );
    }
    return { status: response.status, body: parsed.data };
  }
}
