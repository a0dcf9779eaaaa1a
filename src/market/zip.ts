// gzip and gunzip with zlib loaded on first use: loading Node's zlib (and the streams under it) takes a few
// milliseconds, and an analysis of the bundled data, read through the build's cache, unzips nothing.
import { createRequire } from 'node:module';
import type { ZlibOptions } from 'node:zlib';

let loaded: typeof import('node:zlib') | undefined;
const zlib = () => (loaded ??= createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib'));

export function gunzip(bytes: Buffer): Buffer {
  return zlib().gunzipSync(bytes);
}

export function gzip(bytes: Buffer, options?: ZlibOptions): Buffer {
  return zlib().gzipSync(bytes, options);
}
