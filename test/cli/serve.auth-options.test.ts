// `signals serve` as a real process: blank auth options are start-up errors, never "auth off"; the JWT and metrics options reach the server.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { run, spawnServe } from '../helpers/cli.js';
import { TestClient } from '../helpers/server.js';

/** Each of these once started a server that let everyone in while its log said "auth":true. */
const blank: [string, string[], Record<string, string>, RegExp][] = [
  ['SIGNALS_TOKENS set to ""', [], { SIGNALS_TOKENS: '' }, /^signals: SIGNALS_TOKENS is blank: give at least one token, or leave it out\n/],
  ['--token ""', ['--token', ''], {}, /^signals: --token is blank/],
  ['--token " " on 0.0.0.0', ['--token', ' ', '--host', '0.0.0.0'], {}, /^signals: --token is blank/],
  ['--token ","', ['--token', ','], {}, /^signals: --token is blank/],
  ['--jwt-secret ""', ['--jwt-secret', ''], {}, /^signals: --jwt-secret is blank/],
  ['SIGNALS_JWT_SECRET set to " "', [], { SIGNALS_JWT_SECRET: ' ' }, /^signals: SIGNALS_JWT_SECRET is blank/],
  ['--jwks-url " "', ['--jwks-url', ' '], {}, /^signals: --jwks-url is blank/],
  ['--metrics-token ""', ['--metrics-token', ''], {}, /^signals: --metrics-token is blank/],
  ['SIGNALS_METRICS_TOKEN set to ""', [], { SIGNALS_METRICS_TOKEN: '' }, /^signals: SIGNALS_METRICS_TOKEN is blank/],
  ['SIGNALS_JWT_AUDIENCE without a JWT option', [], { SIGNALS_JWT_AUDIENCE: 'signals' }, /^signals: SIGNALS_JWT_AUDIENCE applies only to JWTs/],
  [
    '--jwt-audience without a JWT option',
    ['--jwt-audience', 'signals'],
    {},
    /^signals: --jwt-audience applies only to JWTs: add --jwt-secret or --jwks-url/,
  ],
  [
    '--jwt-issuer and --jwt-allow-no-exp without a JWT option',
    ['--jwt-issuer', 'me', '--jwt-allow-no-exp'],
    {},
    /^signals: --jwt-issuer, --jwt-allow-no-exp apply only to JWTs/,
  ],
  ['--jwt-audience ""', ['--jwt-secret', 's3cret', '--jwt-audience', ''], {}, /^signals: --jwt-audience is blank/],
];

describe('signals serve refuses to start with blank authentication', () => {
  for (const [name, args, env, message] of blank) {
    it(`${name}: exit 2, one line on stderr`, () => {
      const r = run(['serve', '--port', '0', ...args], env, 10_000);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n')).toHaveLength(2);
    });
  }
});

describe('signals serve authentication as configured', () => {
  it('logs "auth":true exactly when the server refuses a client without a token', async () => {
    const secured = spawnServe(['--token', ' alpha, beta ']);
    const url = await secured.url;
    expect(secured.log()).toMatch(/"auth":true/);
    expect(await new TestClient(url).waitClosed()).toEqual({ code: 1008, reason: 'Authentication failed' });
    (await TestClient.connect(`${url}?token=beta`)).close();
    secured.child.kill('SIGTERM');
    expect((await secured.exited).code).toBe(0);

    const open = spawnServe([]);
    const openUrl = await open.url;
    expect(open.log()).toMatch(/"auth":false/);
    (await TestClient.connect(openUrl)).close();
    open.child.kill('SIGTERM');
    expect((await open.exited).code).toBe(0);
  });

  it('--token is repeatable: each token given is accepted', async () => {
    const serve = spawnServe(['--token', 'alpha', '--token', 'beta,gamma']);
    const url = await serve.url;
    for (const token of ['alpha', 'beta', 'gamma']) (await TestClient.connect(`${url}?token=${token}`)).close();
    expect((await new TestClient(`${url}?token=delta`).waitClosed()).code).toBe(1008);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });

  it('passes --jwt-audience and --jwt-issuer to the server: a JWT for another audience or issuer is refused', async () => {
    const secret = 'a-long-enough-test-secret-of-32-bytes!';
    const serve = spawnServe([], { SIGNALS_JWT_SECRET: secret, SIGNALS_JWT_AUDIENCE: 'signals', SIGNALS_JWT_ISSUER: 'https://issuer.example' });
    const url = await serve.url;
    const jwt = (aud: string, iss: string) =>
      new SignJWT({ sub: 'trader' })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience(aud)
        .setIssuer(iss)
        .setExpirationTime('5m')
        .sign(new TextEncoder().encode(secret));
    (await TestClient.connect(`${url}?token=${await jwt('signals', 'https://issuer.example')}`)).close();
    expect((await new TestClient(`${url}?token=${await jwt('other', 'https://issuer.example')}`).waitClosed()).code).toBe(1008);
    expect((await new TestClient(`${url}?token=${await jwt('signals', 'https://other.example')}`).waitClosed()).code).toBe(1008);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });

  it('--jwt-allow-no-exp lets a JWT without exp in; without it such a token is refused', async () => {
    const secret = 'a-long-enough-test-secret-of-32-bytes!';
    const token = await new SignJWT({ sub: 'trader' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret));
    const strict = spawnServe(['--jwt-secret', secret]);
    expect((await new TestClient(`${await strict.url}?token=${token}`).waitClosed()).code).toBe(1008);
    strict.child.kill('SIGTERM');
    const lenient = spawnServe(['--jwt-secret', secret, '--jwt-allow-no-exp']);
    (await TestClient.connect(`${await lenient.url}?token=${token}`)).close();
    lenient.child.kill('SIGTERM');
    expect((await strict.exited).code).toBe(0);
    expect((await lenient.exited).code).toBe(0);
  });

  it('--metrics-token (SIGNALS_METRICS_TOKEN) reaches the server: GET /metrics needs it', async () => {
    const serve = spawnServe([], { SIGNALS_METRICS_TOKEN: 'scrape-me' });
    const http = (await serve.url).replace(/^ws:/, 'http:').replace(/\/ws\/signals$/, '/metrics');
    expect((await fetch(http)).status).toBe(401);
    expect((await fetch(http, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await fetch(http, { headers: { authorization: 'Bearer scrape-me' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/^signals_connections /m);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });
});
