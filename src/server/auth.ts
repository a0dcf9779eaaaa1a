// Connection authentication: static tokens (constant-time comparison) or JWTs (HS256 secret or a JWKS URL, via jose).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import { bearerToken } from '../protocol/subprotocol.js';

export interface AuthOptions {
  tokens?: string[];
  jwtSecret?: string | undefined;
  jwksUrl?: string | undefined;
  /** When set, a JWT's `aud` must include it. */
  jwtAudience?: string | undefined;
  /** When set, a JWT's `iss` must equal it. */
  jwtIssuer?: string | undefined;
  /** Accept JWTs without `exp` (refused by default: such a token is valid forever). */
  jwtAllowNoExp?: boolean | undefined;
}

/** An accepted request; `expiresAt` (ms since the epoch) is a JWT's `exp`, after which its connection is closed. */
export type AuthResult = { ok: true; expiresAt?: number } | { ok: false };
export type Authenticator = (request: IncomingMessage) => Promise<AuthResult>;

const digest = (s: string) => createHash('sha256').update(s).digest();
const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The tokens a request presents: the `Authorization: Bearer` header (scheme case-insensitive, RFC 7235),
 * a `signals.bearer.` subprotocol and `?token=`. Each is tried, so a wrong query token cannot spoil a correct header.
 */
export function requestTokens(request: IncomingMessage): string[] {
  const tokens: string[] = [];
  const header = request.headers.authorization;
  const bearer = header === undefined ? null : BEARER.exec(header);
  if (bearer) tokens.push(bearer[1]!);
  // A browser's WebSocket sets no header but its subprotocols; a token there stays out of URLs, which access logs keep.
  for (const offered of (request.headers['sec-websocket-protocol'] ?? '').split(',')) {
    const token = bearerToken(offered);
    if (token !== undefined && !tokens.includes(token)) tokens.push(token);
  }
  let query: string | null = null;
  try {
    query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  } catch {
    // An unparsable URL presents no query token; the router answers it with 400.
  }
  if (query && !tokens.includes(query)) tokens.push(query);
  return tokens;
}

/** Whether authentication is on at all (any token, secret or JWKS configured). */
export function authEnabled(options: AuthOptions): boolean {
  return (options.tokens?.length ?? 0) > 0 || Boolean(options.jwtSecret) || Boolean(options.jwksUrl);
}

/** Checks a token against one static secret in constant time (for `--metrics-token`). */
export function staticTokenCheck(secret: string): (request: IncomingMessage) => boolean {
  const expected = digest(secret);
  return (request) => requestTokens(request).some((t) => timingSafeEqual(digest(t), expected));
}

export function createAuthenticator(options: AuthOptions): Authenticator {
  if (!authEnabled(options)) return async () => ({ ok: true });
  // Hashing first gives equal-length buffers, so timingSafeEqual leaks neither content nor length.
  const tokenDigests = (options.tokens ?? []).map(digest);
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const jwksUrl = options.jwksUrl;
  // jose loads only when JWTs are accepted at all (a server of static tokens, or none, never needs it).
  const jwt =
    secret !== undefined || jwksUrl !== undefined
      ? import('jose').then((jose) => ({
          jwtVerify: jose.jwtVerify,
          jwks: jwksUrl === undefined ? undefined : jose.createRemoteJWKSet(new URL(jwksUrl)),
        }))
      : undefined;
  // Handled here too, so that a failed load cannot end the process before any JWT arrives; each check then refuses.
  jwt?.catch(() => undefined);
  const verifyOptions: JWTVerifyOptions = {
    ...(options.jwtAudience ? { audience: options.jwtAudience } : {}),
    ...(options.jwtIssuer ? { issuer: options.jwtIssuer } : {}),
    requiredClaims: options.jwtAllowNoExp ? [] : ['exp'],
  };

  const verify = async (token: string): Promise<AuthResult> => {
    const d = digest(token);
    let match = false;
    for (const t of tokenDigests) match = timingSafeEqual(d, t) || match;
    if (match) return { ok: true };
    if (jwt === undefined) return { ok: false };
    try {
      const { jwtVerify, jwks } = await jwt;
      const { payload } =
        secret !== undefined
          ? await jwtVerify(token, secret, { ...verifyOptions, algorithms: ['HS256'] })
          : jwks !== undefined
            ? await jwtVerify(token, jwks as JWTVerifyGetKey, verifyOptions)
            : { payload: undefined };
      if (!payload) return { ok: false };
      return payload.exp === undefined ? { ok: true } : { ok: true, expiresAt: payload.exp * 1000 };
    } catch {
      return { ok: false };
    }
  };

  return async (request) => {
    for (const token of requestTokens(request)) {
      const result = await verify(token);
      if (result.ok) return result;
    }
    return { ok: false };
  };
}
