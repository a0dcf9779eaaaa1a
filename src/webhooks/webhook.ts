// One webhook: POSTs logged publications to a URL in seq order, signed, retried with backoff, resumed from its cursor after a restart.
import { backoffDelay } from '../backoff.js';
import type { Publisher } from '../core/signal-core.js';
import type { Logger } from '../core/log.js';
import type { LogRecord, ReadOptions } from '../log/signal-log.js';
import { VERSION } from '../version.js';
import { CursorFile } from './cursor.js';
import type { WebhookMetrics } from './metrics.js';
import { sign, SIGNATURE_HEADER } from './signature.js';

/** What a webhook reads: the signal log through the core, and the core's publications as a wake-up. */
export interface WebhookSource {
  readonly epoch: string;
  /** The log's earlier epochs, newest first: its records kept their seqs when it took a new one (a lost tail). */
  readonly earlierEpochs: readonly string[];
  symbols(): string[];
  head(symbol: string): number;
  history(symbol: string, options: ReadOptions): Promise<LogRecord[]>;
  onPublish(publisher: Publisher): () => void;
}

export interface WebhookOptions {
  url: string;
  /** Signs each request (Signals-Signature); without it requests are unsigned. */
  secret?: string | undefined;
  /** Every publication (signal_update and decision_update), not only BUY and SELL signals. */
  every: boolean;
  /** A request without a response within this time is a failed attempt. */
  timeoutMs: number;
  stateDir: string;
  source: WebhookSource;
  metrics: WebhookMetrics;
  logger: Logger;
  /** The metrics label and log name: the URL's origin and the webhook's place among them (its path may be a secret). */
  label: string;
  /** Backoff of the n-th retry: up to maxMs, base * 2^n, the upper half of it drawn at random (jitter). */
  backoff?: { baseMs: number; maxMs: number };
}

/** Records read from the log at a time: what a webhook holds in memory, however far behind it is. */
const BATCH = 100;
const DEFAULT_BACKOFF = { baseMs: 250, maxMs: 60_000 };

/** Whether a logged publication is sent: a BUY or SELL signal_update, or with `every` anything logged. */
function wanted(json: string, every: boolean): boolean {
  if (every) return true;
  const message = JSON.parse(json) as { type: string; data: { action?: string } };
  return message.type === 'signal_update' && (message.data.action === 'BUY' || message.data.action === 'SELL');
}

/**
 * The log is the queue: a publication only marks its symbol as having news, and the webhook reads what it has not
 * delivered from the log, a batch at a time. A slow or dead receiver therefore holds no memory and blocks nothing
 * but itself; what it falls behind by waits in the log, and what the log's retention drops first is counted as
 * dropped (signals_webhook_dropped_total) and logged.
 * @example
 * const hook = new Webhook({ url, secret, every: false, timeoutMs: 10_000, stateDir, source: core, metrics, logger, label });
 * hook.start(); // before core.start(), so that it catches up from the log first
 */
export class Webhook {
  private cursor: CursorFile | undefined;
  /** Symbols that may have publications past their cursor, in the order they were published. */
  private readonly pending = new Set<string>();
  private wake: (() => void) | undefined;
  private stopped = false;
  private inFlight: AbortController | undefined;
  private sleeping: { timer: NodeJS.Timeout; done: () => void } | undefined;
  private running: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Append time of the publication being delivered (for the lag in seconds), while one is. */
  private delivering: number | undefined;
  private readonly backoff: { baseMs: number; maxMs: number };

  constructor(private readonly options: WebhookOptions) {
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  /** Publications logged and not yet delivered or passed over, and the age of the one being delivered. */
  lag(): { publications: number; seconds: number } {
    const { source } = this.options;
    const cursor = this.cursor;
    const publications = cursor ? source.symbols().reduce((n, s) => n + Math.max(0, source.head(s) - cursor.get(s)), 0) : 0;
    return { publications, seconds: this.delivering === undefined ? 0 : Math.max(0, (Date.now() - this.delivering) / 1000) };
  }

  /** Reads the cursor, subscribes to publications, and starts delivering what the log holds past the cursor. */
  start(): void {
    const { source, stateDir, url, logger, label } = this.options;
    const heads = () => Object.fromEntries(source.symbols().map((s) => [s, source.head(s)]));
    const cursor = new CursorFile(stateDir, url, source.epoch, heads, source.earlierEpochs);
    this.cursor = cursor;
    if (cursor.start === 'damaged' || cursor.start === 'other log') {
      logger.warn(`webhook cursor ${cursor.start === 'damaged' ? 'damaged' : 'of another signal log'}: delivering from the newest publications on`, {
        webhook: label,
      });
    }
    if (cursor.start === 'new epoch') this.acrossNewEpoch(cursor);
    for (const symbol of cursor.symbols()) {
      // A log that lost its tail numbers its next publications from its end again: they are new, deliver them.
      const head = source.head(symbol);
      if (cursor.get(symbol) <= head) continue;
      logger.warn('the signal log ends before the webhook cursor (it lost its newest publications): delivering from its end on', {
        webhook: label,
        symbol,
        cursor: cursor.get(symbol),
        head,
      });
      cursor.set(symbol, head);
    }
    for (const symbol of source.symbols()) if (source.head(symbol) > cursor.get(symbol)) this.pending.add(symbol);
    this.unsubscribe = source.onPublish((symbol, event) => {
      if (event.type !== 'signal_update' && event.type !== 'decision_update') return;
      this.pending.add(symbol);
      this.wake?.();
    });
    this.running = this.loop();
  }

  /**
   * The log took a new epoch since the cursor was written: it lost its newest publications, and kept the seqs of
   * the rest. The webhook goes on from its cursor, so nothing the log still holds is skipped. What it had not
   * delivered of what the log lost (up to the log's heads when the cursor was last written: at least that much)
   * can never be: counted as dropped and logged, in one line.
   */
  private acrossNewEpoch(cursor: CursorFile): void {
    const { source, metrics, logger, label } = this.options;
    const lost: Record<string, string> = {};
    let count = 0;
    for (const symbol of cursor.symbols()) {
      const from = Math.max(cursor.get(symbol), source.head(symbol)) + 1;
      const to = cursor.savedHead(symbol);
      if (to < from) continue;
      lost[symbol] = from === to ? String(from) : `${from}-${to}`;
      count += to - from + 1;
    }
    metrics.dropped.inc({ webhook: label }, count);
    logger.warn('the signal log took a new epoch (it lost its newest publications): the webhook goes on from its cursor', {
      webhook: label,
      epoch: source.epoch,
      previous_epoch: cursor.savedEpoch,
      undelivered_and_lost: count,
      ...(count > 0 ? { lost_seqs: lost, note: 'at least these: the cursor file knew the heads only as of its last write' } : {}),
    });
  }

  /** Stops at once: a request in flight is abandoned (and sent again after a restart); the cursor is saved. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.inFlight?.abort();
    if (this.sleeping) {
      clearTimeout(this.sleeping.timer);
      this.sleeping.done();
    }
    this.wake?.();
    await this.running;
    await this.cursor?.save();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      const symbol = this.pending.values().next().value;
      if (symbol === undefined) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      this.pending.delete(symbol);
      try {
        await this.catchUp(symbol);
      } catch (error) {
        // Reading the log failed: try the symbol again later rather than lose what it holds.
        this.options.logger.error('webhook could not read the signal log', { webhook: this.options.label, symbol, error: String(error) });
        this.pending.add(symbol);
        await this.sleep(this.backoff.maxMs);
      }
    }
  }

  /** Delivers the symbol's publications past its cursor, a batch at a time, until none are left or the webhook stops. */
  private async catchUp(symbol: string): Promise<void> {
    const cursor = this.cursor!;
    const { metrics, label, logger } = this.options;
    for (;;) {
      const after = cursor.get(symbol);
      const records = await this.options.source.history(symbol, { afterSeq: after, limit: BATCH });
      if (records.length === 0) return;
      let previous = after;
      for (const record of records) {
        // Before the first record: retention dropped them before delivery; between two: the log lost them (a removed or damaged segment).
        const missed = record.seq - previous - 1;
        previous = record.seq;
        if (missed > 0) {
          metrics.dropped.inc({ webhook: label }, missed);
          logger.warn('webhook skips publications the signal log no longer has', {
            webhook: label,
            symbol,
            from: record.seq - missed,
            to: record.seq - 1,
            missed,
          });
        }
        if (wanted(record.json, this.options.every)) {
          if (!(await this.deliver(symbol, record))) return;
          cursor.set(symbol, record.seq);
          await cursor.save();
        } else {
          cursor.set(symbol, record.seq);
        }
      }
      await cursor.save();
    }
  }

  /** Sends one publication until it is accepted (any 2xx); false when the webhook stopped first. */
  private async deliver(symbol: string, record: LogRecord): Promise<boolean> {
    const { metrics, label, logger } = this.options;
    this.delivering = record.time;
    try {
      for (let attempt = 0; !this.stopped; attempt++) {
        const failure = await this.post(symbol, record);
        if (failure === undefined) {
          metrics.delivered.inc({ webhook: label });
          return true;
        }
        if (this.stopped) return false;
        metrics.failed.inc({ webhook: label, reason: failure.reason });
        const delay = backoffDelay(attempt, this.backoff.baseMs, this.backoff.maxMs);
        logger.warn('webhook delivery failed; retrying', {
          webhook: label,
          symbol,
          seq: record.seq,
          attempt: attempt + 1,
          error: failure.message,
          retry_in_ms: delay,
        });
        metrics.retries.inc({ webhook: label });
        await this.sleep(delay);
      }
      return false;
    } finally {
      this.delivering = undefined;
    }
  }

  /** One attempt; undefined when the receiver accepted it. */
  private async post(symbol: string, record: LogRecord): Promise<{ reason: string; message: string } | undefined> {
    const { url, secret, timeoutMs, source } = this.options;
    const type = (JSON.parse(record.json) as { type: string }).type;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': `signals/${VERSION}`,
      'signals-event': type,
      // The same id on every attempt and after a restart: a receiver drops repeats by it.
      'signals-delivery': `${source.epoch}:${symbol}:${record.seq}`,
    };
    if (secret !== undefined) headers[SIGNATURE_HEADER] = sign(secret, record.json);
    const controller = new AbortController();
    this.inFlight = controller;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const response = await fetch(url, { method: 'POST', headers, body: record.json, redirect: 'manual', signal: controller.signal });
      // The answer's body is never read: a hostile receiver could send one without end.
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return undefined;
      return { reason: String(response.status), message: `HTTP ${response.status}` };
    } catch (error) {
      if (controller.signal.aborted) return { reason: 'timeout', message: `no response within ${timeoutMs} ms` };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { reason: 'network', message: cause?.code ?? cause?.message ?? String(error) };
    } finally {
      clearTimeout(timer);
      this.inFlight = undefined;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.sleeping = undefined;
        resolve();
      };
      this.sleeping = { timer: setTimeout(done, ms), done };
    });
  }
}
