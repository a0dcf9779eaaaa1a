// The webhook signature: HMAC-SHA256 over "timestamp.body", sent as `Signals-Signature: t=<unix seconds>,v1=<hex>` (as Stripe signs).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'signals-signature';
/** A receiver should refuse a signature older than this: a captured request cannot be replayed later. */
export const DEFAULT_TOLERANCE_S = 300;

const hmac = (secret: string, timestamp: number, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

/**
 * The header value for `body` sent at `timestamp` (unix seconds); each attempt is signed afresh.
 * @example sign('s3cret', '{"type":"signal_update",...}', 1767225600) // 't=1767225600,v1=5f0c…'
 */
export function sign(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
}

/**
 * What a receiver does: true when `header` signs `body` with `secret` and its time is within `toleranceS` of `now`
 * (unix seconds). Compares in constant time. The body must be the raw bytes received, before any JSON parsing.
 */
export function verify(secret: string, body: string, header: string, now = Math.floor(Date.now() / 1000), toleranceS = DEFAULT_TOLERANCE_S): boolean {
  const fields = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  const timestamp = Number(fields.get('t'));
  const given = fields.get('v1');
  if (!Number.isInteger(timestamp) || given === undefined || Math.abs(now - timestamp) > toleranceS) return false;
  const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
  const actual = Buffer.from(given, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
