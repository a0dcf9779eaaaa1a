// Authentication: static tokens and JWTs (HS256 secret, JWKS URL served locally in the real JWKS format).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawWebSocket } from '../helpers/raw-socket.js';
import { startServer, TestClient } from '../helpers/server.js';

async function refused(url: string, options?: object) {
  const c = new TestClient(url, options);
  const closed = await c.waitClosed();
  expect(closed).toEqual({ code: 1008, reason: 'Authentication failed' });
  expect(c.messages).toHaveLength(0);
}

describe('static tokens', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => (ctx = await startServer({ auth: { tokens: ['alpha', 'beta'] } })));
  afterAll(() => ctx.stop());

  it('refuses a missing or wrong token with 1008 before sending anything', async () => {
    await refused(`${ctx.url}/ws/signals`);
    await refused(`${ctx.url}/ws/signals?token=alph`);
    await refused(`${ctx.url}/ws/symbols/AAPL?token=gamma`);
  });

  it('accepts ?token= and Authorization: Bearer, the scheme in any case', async () => {
    (await TestClient.connect(`${ctx.url}/ws/signals?token=beta`)).close();
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      (await TestClient.connect(`${ctx.url}/ws/signals`, { headers: { authorization: `${scheme} alpha` } })).close();
    }
  });

  it('a wrong ?token= does not spoil a correct header', async () => {
    (await TestClient.connect(`${ctx.url}/ws/signals?token=wrong`, { headers: { authorization: 'Bearer alpha' } })).close();
  });

  it('GET /ws/status needs the token too (header or query); /healthz and /metrics stay open', async () => {
    const status = (init?: RequestInit, query = '') => fetch(`${ctx.http}/ws/status${query}`, init).then((r) => r.status);
    expect(await status()).toBe(401);
    expect(await status({}, '?token=gamma')).toBe(401);
    expect(await status({}, '?token=alpha')).toBe(200);
    expect(await status({ headers: { authorization: 'Bearer beta' } })).toBe(200);
    expect((await fetch(`${ctx.http}/healthz`)).status).toBe(200);
    expect((await fetch(`${ctx.http}/metrics`)).status).toBe(200);
  });
});

describe('per-address limit on failed authentications', () => {
  it('after too many failures an address gets 429, even with a good token; other addresses are unaffected', async () => {
    const ctx = await startServer({ auth: { tokens: ['right'] }, limits: { authFailureBurst: 3, authFailuresPerMinute: 1 } });
    for (let i = 0; i < 3; i++) {
      const socket = await rawWebSocket(ctx.port, '/ws/signals?token=wrong', '127.0.0.5');
      socket.destroy();
    }
    await expect(rawWebSocket(ctx.port, '/ws/signals?token=right', '127.0.0.5')).rejects.toThrow(/429/);
    (await rawWebSocket(ctx.port, '/ws/signals?token=right', '127.0.0.6')).destroy();
    await ctx.stop();
  });
});

describe('metrics token', () => {
  it('--metrics-token protects /metrics', async () => {
    const ctx = await startServer({ metricsToken: 'scrape' });
    expect((await fetch(`${ctx.http}/metrics`)).status).toBe(401);
    expect((await fetch(`${ctx.http}/metrics`, { headers: { authorization: 'Bearer scrape' } })).status).toBe(200);
    await ctx.stop();
  });
});

describe('JWT HS256', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  const secret = new TextEncoder().encode('a-long-enough-test-secret-of-32-bytes!');
  beforeAll(async () => (ctx = await startServer({ auth: { jwtSecret: 'a-long-enough-test-secret-of-32-bytes!' } })));
  afterAll(() => ctx.stop());

  it('accepts a valid token, refuses a wrong signature and an expired token', async () => {
    const good = await new SignJWT({ sub: 'trader' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(secret);
    (await TestClient.connect(`${ctx.url}/ws/signals?token=${good}`)).close();
    const forged = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode('another-secret-another-secret-123'));
    await refused(`${ctx.url}/ws/signals?token=${forged}`);
    const expired = await new SignJWT({ sub: 'x' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(secret);
    await refused(`${ctx.url}/ws/signals?token=${expired}`);
  });
});

describe('JWT claims', () => {
  const key = 'a-long-enough-test-secret-of-32-bytes!';
  const secret = new TextEncoder().encode(key);
  const jwt = (claims: object, exp?: number | string) => {
    const token = new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' });
    return (exp === undefined ? token : token.setExpirationTime(exp)).sign(secret);
  };

  it('checks audience and issuer when set', async () => {
    const ctx = await startServer({ auth: { jwtSecret: key, jwtAudience: 'signals', jwtIssuer: 'https://id.example' } });
    (await TestClient.connect(`${ctx.url}/ws/signals?token=${await jwt({ aud: 'signals', iss: 'https://id.example' }, '5m')}`)).close();
    await refused(`${ctx.url}/ws/signals?token=${await jwt({ aud: 'other', iss: 'https://id.example' }, '5m')}`);
    await refused(`${ctx.url}/ws/signals?token=${await jwt({ aud: 'signals', iss: 'https://evil.example' }, '5m')}`);
    await ctx.stop();
  });

  it('refuses a JWT without exp unless allowed', async () => {
    const strict = await startServer({ auth: { jwtSecret: key } });
    await refused(`${strict.url}/ws/signals?token=${await jwt({ sub: 'forever' })}`);
    await strict.stop();
    const lax = await startServer({ auth: { jwtSecret: key, jwtAllowNoExp: true } });
    (await TestClient.connect(`${lax.url}/ws/signals?token=${await jwt({ sub: 'forever' })}`)).close();
    await lax.stop();
  });

  it('closes the connection with 4001 "token expired" when its token expires', async () => {
    const ctx = await startServer({ auth: { jwtSecret: key } });
    const exp = Math.ceil(Date.now() / 1000) + 1;
    const c = await TestClient.connect(`${ctx.url}/ws/signals?token=${await jwt({ sub: 'brief' }, exp)}`);
    expect(await c.waitClosed(4_000)).toEqual({ code: 4001, reason: 'token expired' });
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000);
    await ctx.stop();
  });
});

describe('JWT from a JWKS URL', () => {
  let jwks: Server;
  let ctx: Awaited<ReturnType<typeof startServer>>;
  let sign: (claims: object) => Promise<string>;

  beforeAll(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    sign = (claims) => new SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setExpirationTime('5m').sign(privateKey);
    ctx = await startServer({ auth: { jwksUrl: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json` } });
  });
  afterAll(async () => {
    await ctx.stop();
    await new Promise((r) => jwks.close(r));
  });

  it('accepts a token signed by a key in the set and refuses another', async () => {
    (await TestClient.connect(`${ctx.url}/ws/signals`, { headers: { authorization: `Bearer ${await sign({ sub: 'a' })}` } })).close();
    const other = await generateKeyPair('RS256');
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(other.privateKey);
    await refused(`${ctx.url}/ws/signals?token=${foreign}`);
  });
});
