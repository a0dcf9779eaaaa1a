// One node's connections to Redis (commands, and pub/sub): reconnected with backoff, logged, their state for health checks.
import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';
import { SignalsError } from '../protocol/errors.js';
import { redactedUrl } from './redis-url.js';

/** What the link says about its connection: the logger's lines from info up. */
export type LinkLogger = Pick<Logger, 'info' | 'warn' | 'error'>;

export interface RedisHealth {
  status: 'up' | 'down';
  /** When the link went down, ISO UTC (only while down). */
  down_since?: string;
  /** The last connection error (only while down). */
  error?: string;
}

export interface RedisLinkOptions {
  url: string;
  /** Shown in Redis's CLIENT LIST, to tell the nodes' connections apart. */
  name: string;
  logger: LinkLogger;
  /** The longest wait between two reconnection attempts (default 2 s); the waits double up to it from 50 ms. */
  maxBackoffMs?: number;
}

/**
 * Both connections reconnect forever once up: a node rides out a Redis restart. Commands do not queue
 * while the link is down, they fail at once (an append not logged is not sent; a lease not renewed
 * lapses), so nothing happens late and out of order when Redis comes back.
 *
 * @example
 * const link = new RedisLink({ url: 'redis://127.0.0.1:6379/0', name: 'node-a', logger });
 * await link.connect();
 * await link.subscribe('signals:events', (message) => console.log(message));
 */
export class RedisLink {
  readonly commands: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Map<string, (message: string) => void>();
  private readonly upListeners = new Set<() => void>();
  private connected = false;
  private downSince: number | undefined;
  private lastError: string | undefined;
  private closing = false;
  /** Reconnection attempts since the link went down. */
  private attempts = 0;

  constructor(private readonly options: RedisLinkOptions) {
    const maxBackoff = options.maxBackoffMs ?? 2_000;
    const base = {
      lazyConnect: true,
      enableOfflineQueue: false,
      connectionName: options.name,
      // Before the first connection, fail (the node does not start without Redis); after it, retry for ever.
      retryStrategy: (times: number) => (this.connected ? Math.min(maxBackoff, 50 * 2 ** Math.min(times - 1, 10)) : null),
    };
    this.commands = new Redis(options.url, base);
    this.subscriber = new Redis(options.url, base);
    this.subscriber.on('message', (channel: string, message: string) => this.handlers.get(channel)?.(message));
    for (const [role, connection] of [
      ['commands', this.commands],
      ['subscriber', this.subscriber],
    ] as const) {
      // ioredis emits an error for each failed attempt; without a listener it would print them itself.
      connection.on('error', (error: Error) => (this.lastError = error.message));
      connection.on('close', () => this.changed(role));
      connection.on('ready', () => this.changed(role));
      connection.on('reconnecting', (delay: number) => this.reconnecting(role, delay));
    }
  }

  /** Connects both; fails with CONNECTION_FAILED when Redis cannot be reached, rather than start a node without it. */
  async connect(): Promise<void> {
    try {
      await Promise.all([this.commands.connect(), this.subscriber.connect()]);
    } catch (error) {
      this.commands.disconnect();
      this.subscriber.disconnect();
      const reason = this.lastError ?? (error instanceof Error ? error.message : String(error));
      throw new SignalsError('CONNECTION_FAILED', `cannot reach Redis at ${redactedUrl(this.options.url)}: ${reason}; check --redis-url`);
    }
    this.connected = true;
    this.lastError = undefined;
  }

  /** Delivers each message of `channel` to `handler`; the subscription is renewed after every reconnection. */
  async subscribe(channel: string, handler: (message: string) => void): Promise<void> {
    this.handlers.set(channel, handler);
    await this.subscriber.subscribe(channel);
  }

  /** Called each time the link is up again after being down: what was missed meanwhile must be read again. */
  onUp(listener: () => void): void {
    this.upListeners.add(listener);
  }

  get up(): boolean {
    return this.commands.status === 'ready' && this.subscriber.status === 'ready';
  }

  health(): RedisHealth {
    if (this.up) return { status: 'up' };
    return {
      status: 'down',
      ...(this.downSince !== undefined ? { down_since: new Date(this.downSince).toISOString() } : {}),
      ...(this.lastError !== undefined ? { error: this.lastError } : {}),
    };
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.allSettled([this.commands.quit(), this.subscriber.quit()]);
    this.commands.disconnect();
    this.subscriber.disconnect();
  }

  private changed(role: 'commands' | 'subscriber'): void {
    if (!this.connected || this.closing) return;
    if (this.up) {
      if (this.downSince === undefined) return;
      this.options.logger.info('Redis is reachable again', { down_ms: Date.now() - this.downSince });
      this.downSince = undefined;
      this.lastError = undefined;
      for (const listener of this.upListeners) listener();
    } else if (this.downSince === undefined) {
      this.downSince = Date.now();
      this.attempts = 0;
      this.options.logger.error('lost the connection to Redis; clients stay connected, retrying with backoff', {
        connection: role,
        url: redactedUrl(this.options.url),
        ...(this.lastError !== undefined ? { error: this.lastError } : {}),
      });
    }
  }

  /** Logs the 1st, 2nd, 4th, 8th... attempt: an outage is visible in the log without flooding it. */
  private reconnecting(role: 'commands' | 'subscriber', delay: number): void {
    if (role !== 'commands' || this.closing) return;
    const attempt = ++this.attempts;
    if ((attempt & (attempt - 1)) === 0) {
      this.options.logger.warn('Redis still unreachable; retrying', {
        attempt,
        retry_in_ms: delay,
        ...(this.lastError ? { error: this.lastError } : {}),
      });
    }
  }
}
