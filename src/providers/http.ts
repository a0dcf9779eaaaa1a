// JSON over HTTP from a market-data provider: a time limit, a cap on the body, HTTP 429 honoured per host as Retry-After says, errors with stable codes.
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
  /** The largest body read (default MAX_BODY_BYTES); a larger one is DATA_ERROR, and is not read further. */
  maxBodyBytes?: number;
}

/** Wait when a 429 carries no Retry-After. */
const DEFAULT_WAIT_MS = 1_000;
/** The largest answer read from a provider: a page of 10,000 Alpaca bars is about 1 MiB. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** A host that answered 429: no request goes to it before `until` (ms since the epoch). */
export class RateLimitedError extends SignalsError {
  constructor(
    readonly host: string,
    readonly until: number,
    message: string,
  ) {
    super('PROVIDER_UNAVAILABLE', message);
  }
}

/** Per host (origin), the time before which it asked not to be called again (its last Retry-After). */
const heldUntil = new Map<string, number>();

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
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  for (let attempt = 0; ; attempt++) {
    // A host that asked us to wait is waited for (or, without retries left, not asked at all), whoever asked it last.
    const held = (heldUntil.get(url.origin) ?? 0) - Date.now();
    if (held > 0) {
      if (attempt >= retries || held > maxWaitMs) throw rateLimited(options.provider, url, held);
      await sleep(held);
    }
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
    if (response.status === 429) {
      await response.body?.cancel();
      const asked = retryAfterMs(response.headers.get('retry-after')) ?? DEFAULT_WAIT_MS * 2 ** attempt;
      heldUntil.set(url.origin, Math.max(heldUntil.get(url.origin) ?? 0, Date.now() + asked));
      if (attempt >= retries || asked > maxWaitMs) throw rateLimited(options.provider, url, asked);
      options.onRateLimited?.(asked);
      await sleep(asked);
      heldUntil.delete(url.origin);
      continue;
    }
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new SignalsError(
        'PROVIDER_AUTH_FAILED',
        `${options.provider} refused the API key (HTTP ${response.status} from ${shown(url)}); check it`,
      );
    }
    const maxBody = options.maxBodyBytes ?? MAX_BODY_BYTES;
    if (!response.ok && !(options.accept ?? []).includes(response.status)) {
      const text = ((await readCapped(response, 4_096).catch(() => undefined)) ?? '').slice(0, 200);
      throw new SignalsError(
        'PROVIDER_UNAVAILABLE',
        `${options.provider} answered HTTP ${response.status} from ${shown(url)}${text ? `: ${text}` : ''}`,
      );
    }
    const text = await readCapped(response, maxBody).catch(() => '');
    if (text === undefined) {
      throw new SignalsError('DATA_ERROR', `${options.provider} answered ${shown(url)} with more than ${maxBody} bytes; not read further`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
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

function rateLimited(provider: string, url: URL, waitMs: number): RateLimitedError {
  const until = Date.now() + waitMs;
  return new RateLimitedError(
    url.origin,
    until,
    `${provider} rate limited us (HTTP 429): no requests to ${url.origin} until ${new Date(until).toISOString()}`,
  );
}

/** The body as text, or undefined when it is longer than `max` bytes (then it is not read further). */
async function readCapped(response: Response, max: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > max || !response.body) {
    await response.body?.cancel();
    return declared > max ? undefined : '';
  }
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    // Leaving the loop cancels the stream: the rest is never read.
    if (bytes > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
