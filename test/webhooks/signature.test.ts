// The webhook signature as a receiver checks it: the right secret and body within the time window, nothing else.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sign, verify } from '../../src/webhooks/signature.js';

const BODY = '{"type":"signal_update","data":{"symbol":"AAPL","action":"BUY","seq":7}}';
const NOW = 1_767_225_600;

describe('webhook signature', () => {
  it('is HMAC-SHA256 of "t.body" in hex, with t in unix seconds', () => {
    const expected = createHmac('sha256', 's3cret').update(`${NOW}.${BODY}`).digest('hex');
    expect(sign('s3cret', BODY, NOW)).toBe(`t=${NOW},v1=${expected}`);
  });

  it('verifies with the secret and the body as sent, within the window', () => {
    const header = sign('s3cret', BODY, NOW);
    expect(verify('s3cret', BODY, header, NOW + 299)).toBe(true);
    expect(verify('s3cret', BODY, header, NOW - 299)).toBe(true);
  });

  it('refuses another secret, a changed body, an old or future timestamp, a changed timestamp, and garbage', () => {
    const header = sign('s3cret', BODY, NOW);
    expect(verify('other', BODY, header, NOW)).toBe(false);
    expect(verify('s3cret', BODY.replace('BUY', 'SELL'), header, NOW)).toBe(false);
    expect(verify('s3cret', BODY, header, NOW + 301)).toBe(false);
    expect(verify('s3cret', BODY, header, NOW - 301)).toBe(false);
    expect(verify('s3cret', BODY, header.replace(`t=${NOW}`, `t=${NOW + 1}`), NOW)).toBe(false);
    for (const bad of ['', 't=,v1=', `t=${NOW}`, `t=${NOW},v1=abc`, 'v1=00,t=1']) expect(verify('s3cret', BODY, bad, NOW)).toBe(false);
  });
});
