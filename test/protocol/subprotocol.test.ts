// The token subprotocol both ways: any token survives the trip, and nothing a client offers makes the decoder throw.
import { describe, expect, it } from 'vitest';
import { BEARER_SUBPROTOCOL, bearerToken, subprotocols } from '../../src/protocol/subprotocol.js';

describe('the signals.bearer subprotocol', () => {
  it('carries any token, in characters a subprotocol may hold', () => {
    for (const token of ['t', 'ab', 'abc', 'abcd', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig', 's3cret/ü+=', ' spaced ', '日本語🔑']) {
      const [plain, bearer] = subprotocols(token);
      expect(plain).toBe('signals');
      expect(bearer).toMatch(/^signals\.bearer\.[A-Za-z0-9_-]+$/);
      expect(bearerToken(bearer!)).toBe(token);
    }
    expect(subprotocols(undefined)).toEqual(['signals']);
  });

  it('reads nothing from other subprotocols or malformed ones, and never throws', () => {
    for (const offered of [
      'signals',
      'chat',
      '',
      BEARER_SUBPROTOCOL,
      `${BEARER_SUBPROTOCOL}a`,
      `${BEARER_SUBPROTOCOL}abcde`,
      `${BEARER_SUBPROTOCOL}a=b`,
      `${BEARER_SUBPROTOCOL}%%`,
    ]) {
      expect(bearerToken(offered), offered).toBeUndefined();
    }
    expect(bearerToken(` ${BEARER_SUBPROTOCOL}dA `)).toBe('t');
  });
});
