// Connection authentication: static tokens (constant-time comparison) or JWTs (HS256 secret or a JWKS URL, via jose).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface AuthOptions {
  tokens?: string[];
  jwtSecret?: string | undefined;
  jwksUrl?: string | undefined;
}

export type Authenticator = (request: IncomingMessage) => Promise<boolean>;

const digest = (s: string) => createHash('sha256').update(s).digest();

/** The token of a request: `?token=` or an `Authorization: Bearer` header. */
function requestToken(request: IncomingMessage): string | undefined {
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  if (query) return query;
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
}

/** Whether authentication is on at all (any token, secret or JWKS configured). */
export function authEnabled(options: AuthOptions): boolean {
  return (options.tokens?.length ?? 0) > 0 || Boolean(options.jwtSecret) || Boolean(options.jwksUrl);
}

export function createAuthenticator(options: AuthOptions): Authenticator {
  if (!authEnabled(options)) return async () => true;
  // Hashing first gives equal-length buffers, so timingSafeEqual leaks neither content nor length.
  const tokenDigests = (options.tokens ?? []).map(digest);
  const secret = options.jwtSecret ? new TextEncoder().encode(options.jwtSecret) : undefined;
  const jwks: JWTVerifyGetKey | undefined = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  return async (request) => {
    const token = requestToken(request);
    if (!token) return false;
    const d = digest(token);
    let match = false;
    for (const t of tokenDigests) match = timingSafeEqual(d, t) || match;
    if (match) return true;
    try {
      if (secret) {
        await jwtVerify(token, secret, { algorithms: ['HS256'] });
        return true;
      }
      if (jwks) {
        await jwtVerify(token, jwks);
        return true;
      }
    } catch {
      return false;
    }
    return false;
  };
}
