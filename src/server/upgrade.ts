// The HTTP side of a WebSocket upgrade: which endpoint a request targets, and refusals written safely to raw sockets.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { isSymbol } from '../protocol/symbol.js';

/** The endpoint an upgrade request targets, or the HTTP status that refuses it. */
export type Route = { endpoint: '/ws/signals' } | { endpoint: '/ws/symbols'; symbol: string } | { status: 400 | 404 };

const SYMBOL_PATH = /^\/ws\/symbols\/([^/]+)$/;

/**
 * Routes a request target. Never throws: a target that is not a URL, or a path symbol whose
 * percent-encoding is broken or that is not a symbol, is 400; an unknown path is 404.
 * @example route('/ws/symbols/BRK.B?token=t') // { endpoint: '/ws/symbols', symbol: 'BRK.B' }
 */
export function route(target: string | undefined): Route {
  let path: string;
  try {
    path = new URL(target ?? '/', 'http://localhost').pathname;
  } catch {
    return { status: 400 };
  }
  if (path === '/ws/signals') return { endpoint: '/ws/signals' };
  const match = SYMBOL_PATH.exec(path);
  if (!match) return { status: 404 };
  let symbol: string;
  try {
    symbol = decodeURIComponent(match[1]!);
  } catch {
    return { status: 400 };
  }
  return isSymbol(symbol) ? { endpoint: '/ws/symbols', symbol } : { status: 400 };
}

/**
 * Answers an upgrade request with an HTTP error and closes the socket. Safe on a socket the peer has
 * already reset: the caller attaches an `error` listener first, and a peer that never reads is dropped.
 */
export function refuseUpgrade(socket: Duplex, status: 400 | 404 | 429 | 503, retryAfterS?: number): void {
  if (socket.destroyed) return;
  if (socket.writable) {
    const retry = retryAfterS !== undefined ? `Retry-After: ${retryAfterS}\r\n` : '';
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n${retry}\r\n`);
  }
  setTimeout(() => socket.destroy(), 1_000).unref();
}
