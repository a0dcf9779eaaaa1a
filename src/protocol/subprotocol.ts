// The WebSocket subprotocols a browser offers: `signals`, which the server picks, and its token in one of its own (a browser's WebSocket sends no other header).

/** The subprotocol the server answers with. */
export const SUBPROTOCOL = 'signals';
/** The prefix of the subprotocol that carries a token, base64url-encoded; the server never answers with it. */
export const BEARER_SUBPROTOCOL = 'signals.bearer.';
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The subprotocols to offer for `token` (none given: only `signals`).
 * @example subprotocols('t') // ['signals', 'signals.bearer.dA']
 */
export function subprotocols(token: string | undefined): string[] {
  if (token === undefined) return [SUBPROTOCOL];
  const bytes = new TextEncoder().encode(token);
  const base64 = btoa(Array.from(bytes, (b) => String.fromCharCode(b)).join(''));
  return [SUBPROTOCOL, BEARER_SUBPROTOCOL + base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')];
}

/**
 * The token a subprotocol carries, or undefined for any other.
 * @example bearerToken('signals.bearer.dA') // 't'
 */
export function bearerToken(offered: string): string | undefined {
  const encoded = offered.trim();
  if (!encoded.startsWith(BEARER_SUBPROTOCOL)) return undefined;
  const body = encoded.slice(BEARER_SUBPROTOCOL.length);
  // A length of 4n + 1 is no base64, and atob would throw on it.
  if (!BASE64URL.test(body) || body.length % 4 === 1) return undefined;
  const binary = atob(body.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
