// The web view's static files (dist/web, built by scripts/build.mjs): GET / and /assets/{name}, under a policy that keeps every request on this origin.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SignalsError } from '../protocol/errors.js';

/**
 * Scripts, styles, images and connections (the WebSocket included: CSP 3 lets 'self' match ws: and wss: on the
 * same host) from this origin only; no plugins, no framing, no <base>, and forms post only here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

/** An Accept-Encoding that takes gzip (not `gzip;q=0`, which refuses it). */
const GZIP = /(?:^|,)\s*gzip\s*(?:,|$|;\s*q=(?!0(?:\.0*)?\s*(?:,|$)))/i;

interface Asset {
  body: Buffer;
  gzip: Buffer;
  type: string;
  etag: string;
}

/** Finds dist/web from this module's location (from src/server/ in tests, from dist/chunks/ when built). */
function findWebDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'dist', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/**
 * The page and its assets, read and compressed once at start-up.
 * @example WebAssets.load().get('/') // index.html
 */
export class WebAssets {
  private constructor(private readonly files: Map<string, Asset>) {}

  /** Reads dist/web (or `dir`); a missing build is a DATA_ERROR that names `--no-web`. */
  static load(dir: string | undefined = findWebDir()): WebAssets {
    if (dir === undefined || !existsSync(join(dir, 'index.html'))) {
      throw new SignalsError('DATA_ERROR', 'the web view is not built (dist/web/index.html is missing): run `npm run build`, or serve with --no-web');
    }
    const files = new Map<string, Asset>();
    const add = (path: string, file: string) => {
      const body = readFileSync(file);
      files.set(path, {
        body,
        gzip: gzipSync(body, { level: 9 }),
        type: TYPES[extname(file)] ?? 'application/octet-stream',
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      });
    };
    add('/', join(dir, 'index.html'));
    const assets = join(dir, 'assets');
    if (existsSync(assets)) for (const name of readdirSync(assets)) add(`/assets/${name}`, join(assets, name));
    return new WebAssets(files);
  }

  /** The asset at a request path, if there is one. */
  get(path: string): Asset | undefined {
    return this.files.get(path);
  }
}

/** Sends an asset: gzip when the client accepts it, 304 when its copy is current, and the page's security headers. */
export function sendAsset(req: IncomingMessage, res: ServerResponse, asset: Asset): void {
  const headers: Record<string, string> = {
    'content-type': asset.type,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
    etag: asset.etag,
    vary: 'accept-encoding',
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = GZIP.test(req.headers['accept-encoding'] ?? '');
  const body = gzip ? asset.gzip : asset.body;
  res.writeHead(200, { ...headers, ...(gzip ? { 'content-encoding': 'gzip' } : {}), 'content-length': String(body.length) });
  res.end(body);
}
