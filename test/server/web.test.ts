// GET / and /assets/{name}: the web view's files with their security headers, gzip and revalidation; none with --no-web; a token in a subprotocol.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { subprotocols } from '../../src/protocol/subprotocol.js';
import { CONTENT_SECURITY_POLICY, WebAssets } from '../../src/server/web.js';
import { startServer } from '../helpers/server.js';

const PAGE = '<!doctype html><title>signals</title><script type="module" src="assets/main.js"></script>';
const SCRIPT = 'console.log("the page");'.repeat(100);

function webDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'signals-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), PAGE);
  writeFileSync(join(dir, 'assets', 'main.js'), SCRIPT);
  return dir;
}

/** A raw GET (fetch would decode gzip and hide what was sent). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the web view served at GET /', () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => (ctx = await startServer({ web: WebAssets.load(webDir()) })));
  afterAll(() => ctx.stop());

  it('answers / with the page, under a policy that allows this origin only', async () => {
    const r = await get(ctx.port, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body.toString()).toBe(PAGE);
    expect(r.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) {
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    }
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*|https?:/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
  });

  it('sends gzip to a client that takes it, not to one that refuses it, and 304 for a current copy', async () => {
    const gz = await get(ctx.port, '/assets/main.js', { 'accept-encoding': 'br, gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(gunzipSync(gz.body).toString()).toBe(SCRIPT);
    expect(gz.body.length).toBeLessThan(SCRIPT.length / 10);
    const plain = await get(ctx.port, '/assets/main.js', { 'accept-encoding': 'gzip;q=0' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
    const again = await get(ctx.port, '/assets/main.js', { 'if-none-match': String(gz.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    const head = await get(ctx.port, '/', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
  });

  it('answers other paths as before: 404 with the endpoints, / among them; 405 for other methods', async () => {
    for (const path of ['/assets/nope.js', '/assets/', '/assets/../index.html', '/index.html', '/assets/main.js/']) {
      const r = await get(ctx.port, path);
      expect(r.status, path).toBe(404);
      expect(JSON.parse(r.body.toString()).endpoints).toContain('/');
    }
    expect((await get(ctx.port, '/', {}, 'POST')).status).toBe(405);
  });
});

describe('without the web view (--no-web)', () => {
  it('GET / is 404 and the endpoints do not name it', async () => {
    const ctx = await startServer();
    const r = await get(ctx.port, '/');
    expect(r.status).toBe(404);
    expect(JSON.parse(r.body.toString()).endpoints).not.toContain('/');
    await ctx.stop();
  });

  it('a missing build is a DATA_ERROR that names --no-web', () => {
    expect(() => WebAssets.load(join(tmpdir(), 'no-such-web-dir'))).toThrow(
      expect.objectContaining({ code: 'DATA_ERROR', message: expect.stringMatching(/--no-web/) }),
    );
  });
});

describe("a browser's token, in a subprotocol", () => {
  let ctx: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => (ctx = await startServer({ auth: { tokens: ['s3cret/ü+='] } })));
  afterAll(() => ctx.stop());

  /** Opens a WebSocket offering `protocols`; resolves with the subprotocol chosen and the first message, or the close. */
  const open = (protocols: string[]) =>
    new Promise<{ protocol?: string; first?: string; close?: number; error?: string }>((resolve) => {
      const ws = new WebSocket(`${ctx.url}/ws/signals`, protocols);
      ws.once('message', (data) => {
        resolve({ protocol: ws.protocol, first: JSON.parse((data as Buffer).toString()).type });
        ws.close();
      });
      ws.once('close', (code) => resolve({ close: code }));
      ws.once('error', (error) => resolve({ error: error.message }));
    });

  it('is accepted, and the server answers `signals`, never the token', async () => {
    expect(await open(subprotocols('s3cret/ü+='))).toEqual({ protocol: 'signals', first: 'heartbeat' });
  });

  it('a wrong or malformed one is refused with 1008, and one offered alone is not echoed back', async () => {
    expect(await open(subprotocols('wrong'))).toEqual({ close: 1008 });
    expect(await open(subprotocols(undefined))).toEqual({ close: 1008 });
    expect(await open(['signals', 'signals.bearer.a'])).toEqual({ close: 1008 });
    expect(await open(['signals', 'signals.bearer.%%%'])).toEqual({ close: 1008 });
    // Offered alone, the token is not chosen: the client sees no subprotocol where it asked for one, and gives up.
    expect(await open([subprotocols('s3cret/ü+=')[1]!])).toMatchObject({ error: expect.stringMatching(/subprotocol/i) });
  });
});
