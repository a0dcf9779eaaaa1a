// Authentication: static tokens and JWTs (HS256 secret, JWKS URL served locally in the real JWKS format).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  afterAll(() => ctx.server.stop());

  it('refuses a missing or wrong token with 1008 before sending anything', async () => {
    await refused(`${ctx.url}/ws/signals`);
    await refused(`${ctx.url}/ws/signals?token=alph`);
    await refused(`${ctx.url}/ws/symbols/AAPL?token=gamma`);
  });

  it('accepts ?token= and Authorization: Bearer', async () => {
    (await TestClient.connect(`${ctx.url}/ws/signals?token=beta`)).close();
    (await TestClient.connect(`${ctx.url}/ws/signals`, { headers: { authorization: 'Bearer alpha' } })).close();
  });
});

describe('JWT HS256', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  const secret = new TextEncoder().encode('a-long-enough-test-secret-of-32-bytes!');
  beforeAll(async () => (ctx = await startServer({ auth: { jwtSecret: 'a-long-enough-test-secret-of-32-bytes!' } })));
  afterAll(() => ctx.server.stop());

  it('accepts a valid token, refuses a wrong signature and an expired token', async () => {
    const good = await new SignJWT({ sub: 'trader' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(secret);
    (await TestClient.connect(`${ctx.url}/ws/signals?token=${good}`)).close();
    const forged = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('another-secret-another-secret-123'));
    await refused(`${ctx.url}/ws/signals?token=${forged}`);
    const expired = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(secret);
    await refused(`${ctx.url}/ws/signals?token=${expired}`);
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
    await ctx.server.stop();
    await new Promise((r) => jwks.close(r));
  });

  it('accepts a token signed by a key in the set and refuses another', async () => {
    (await TestClient.connect(`${ctx.url}/ws/signals`, { headers: { authorization: `Bearer ${await sign({ sub: 'a' })}` } })).close();
    const other = await generateKeyPair('RS256');
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(other.privateKey);
    await refused(`${ctx.url}/ws/signals?token=${foreign}`);
  });
});
