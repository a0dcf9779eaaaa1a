// The signal log in Redis, shared by the nodes of a cluster: one stream per symbol, each seq taken by a script that also relays it.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SeqRange } from '../protocol/messages.js';
import { LOG_PATTERN, redisChannels, redisKeys, symbolOfLog } from './redis-keys.js';
import type { RedisLink } from './redis-link.js';
import { DEFAULT_READ_LIMIT } from './select.js';
import { DEFAULT_RETENTION, type LogRecord, type Publication, type ReadOptions, type Retention, type SignalLog } from './signal-log.js';

/**
 * KEYS: epoch, log, lease. ARGV: epoch, node, seq, time, json, max count, cutoff time, channel, symbol.
 * Returns {seq, oldest} once appended (or when this very append already went through, its reply lost in a
 * reconnection); {0, top} when the log is already at `top` (another node appended: take the next);
 * {-1, 0} when this node does not hold the symbol's lease (fencing: a paused former owner cannot append);
 * {-2, 0} when the epoch is not the caller's (Redis lost its data: a new log began).
 * The stream's own rule (an entry id above every earlier one) is what keeps a seq from ever being taken twice.
 * Trimming is exact (MAXLEN =, not ~): an append drops at most one record by count, so it costs no more,
 * and retention then means what it means in the embedded log.
 */
const APPEND = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return {-2, 0} end
if redis.call('GET', KEYS[3]) ~= ARGV[2] then return {-1, 0} end
local seq = tonumber(ARGV[3])
local function seqOf(id) return tonumber(string.match(id, '^%d+')) end
local function oldest() return seqOf(redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)[1][1]) end
local top = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)[1]
if top then
  local topSeq = seqOf(top[1])
  if topSeq == seq and top[2][4] == ARGV[5] then return {seq, oldest()} end
  if topSeq >= seq then return {0, topSeq} end
end
redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[6], ARGV[3] .. '-0', 't', ARGV[4], 'j', ARGV[5])
local cutoff = tonumber(ARGV[7])
for _ = 1, 100 do
  local two = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 2)
  if #two < 2 or tonumber(two[1][2][2]) >= cutoff then break end
  redis.call('XDEL', KEYS[2], two[1][1])
end
local first = oldest()
redis.call('PUBLISH', ARGV[8], ARGV[9] .. '\\n' .. ARGV[3] .. '\\n' .. first .. '\\n' .. ARGV[2] .. '\\n' .. ARGV[4] .. '\\n' .. ARGV[5])
return {seq, first}
`;

type AppendCommand = {
  signalsAppend(...args: (string | number)[]): Promise<[number, number]>;
};

/** Attempts of one append that finds the log moved on under it (another node appended, or a new epoch). */
const APPEND_ATTEMPTS = 5;

export interface RedisLogOptions {
  link: RedisLink;
  /** This node: the lease holder the append script checks for. */
  nodeId: string;
  retention?: Retention;
  /** Told about a new epoch (Redis lost its data) and a relayed publication it could not read. */
  warn?: (message: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

/** A publication another node appended: the symbol, the publication as sent, and when it was appended (ms since the epoch). */
export type RemotePublication = (symbol: string, publication: Publication, appendedAt: number) => void;

/** What this node knows of a symbol's log, kept current by its own appends and by every node's relayed ones. */
interface Known {
  head: number;
  oldest: number;
  latest: Publication | undefined;
}

/**
 * `head`, `oldest` and `latest` answer from what this node has seen: its own appends, the relay of every
 * other node's (published by the append script itself, so a publication is logged and relayed together or
 * not at all), and a full read when it opens and whenever Redis is reachable again. The newest seq this
 * node has seen is also the floor of its next one: a Redis that lost its newest writes never makes the
 * node hand out a seq its clients already have.
 *
 * @example
 * const log = new RedisLog({ link, nodeId });
 * await log.open();
 * const seq = await log.append('AAPL', signal); // in Redis, and relayed to every node, before it resolves
 */
export class RedisLog implements SignalLog {
  private current = '';
  private readonly known = new Map<string, Known>();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<RemotePublication>();
  private readonly retention: Retention;
  private readonly now: () => number;
  private readonly redis: Redis & AppendCommand;

  constructor(private readonly options: RedisLogOptions) {
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.now = options.now ?? Date.now;
    options.link.commands.defineCommand('signalsAppend', { numberOfKeys: 3, lua: APPEND });
    this.redis = options.link.commands as Redis & AppendCommand;
  }

  /** The epoch in Redis: made by the first node to open the log, and again only if Redis lost its data. */
  get epoch(): string {
    return this.current;
  }

  /** Subscribes to the relay, then reads the epoch and every symbol's head; both again each time Redis is back. */
  async open(): Promise<void> {
    await this.options.link.subscribe(redisChannels.published, (message) => this.received(message));
    await this.load();
    this.options.link.onUp(() => {
      this.load().catch((error: unknown) => this.options.warn?.('could not re-read the signal log after reconnecting', { error: String(error) }));
    });
  }

  /** Adds a listener for the publications other nodes append. */
  onRemote(listener: RemotePublication): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Appends of one symbol run one after another, in call order. */
  append(symbol: string, publication: Publication): Promise<number> {
    const run = (this.queues.get(symbol) ?? Promise.resolve()).catch(() => undefined).then(() => this.appendNow(symbol, publication));
    this.queues.set(symbol, run);
    void run
      .finally(() => {
        if (this.queues.get(symbol) === run) this.queues.delete(symbol);
      })
      .catch(() => undefined);
    return run;
  }

  async read(symbol: string, options: ReadOptions = {}): Promise<LogRecord[]> {
    const limit = options.limit ?? DEFAULT_READ_LIMIT;
    const batch = Math.min(1_000, Math.max(limit, 100));
    const out: LogRecord[] = [];
    let after = options.afterSeq ?? 0;
    for (;;) {
      const entries = await this.redis.xrange(redisKeys.log(symbol), `${after + 1}-0`, '+', 'COUNT', batch);
      for (const [id, fields] of entries) {
        const record = { seq: Number.parseInt(id, 10), time: Number(field(fields, 't')), json: field(fields, 'j') ?? '' };
        if (options.toTime !== undefined && record.time >= options.toTime) return out;
        if (options.fromTime === undefined || record.time >= options.fromTime) out.push(record);
        if (out.length >= limit) return out;
        after = record.seq;
      }
      if (entries.length < batch) return out;
    }
  }

  head(symbol: string): number {
    return this.known.get(symbol)?.head ?? 0;
  }

  oldest(symbol: string): number {
    return this.known.get(symbol)?.oldest ?? 0;
  }

  /** A stream loses entries only to trimming, from its start. */
  gaps(): SeqRange[] {
    return [];
  }

  latest(symbol: string): Publication | undefined {
    return this.known.get(symbol)?.latest;
  }

  /** The link is its owner's to close. */
  async close(): Promise<void> {
    this.listeners.clear();
  }

  private async appendNow(symbol: string, publication: Publication): Promise<number> {
    let seq = this.head(symbol) + 1;
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      publication.data.seq = seq;
      publication.data.epoch = this.current;
      const json = JSON.stringify(publication);
      const [taken, value] = await this.redis.signalsAppend(
        redisKeys.epoch,
        redisKeys.log(symbol),
        redisKeys.lease(symbol),
        this.current,
        this.options.nodeId,
        seq,
        this.now(),
        json,
        this.retention.maxCount,
        this.now() - this.retention.maxAgeMs,
        redisChannels.published,
        symbol,
      );
      if (taken > 0) {
        this.learn(symbol, taken, value, publication);
        return taken;
      }
      if (taken === -1) throw new Error(`this node does not hold the analysis lease of ${symbol} (any more)`);
      if (taken === 0) seq = value + 1;
      else {
        await this.load();
        seq = this.head(symbol) + 1;
      }
    }
    throw new Error(`the log of ${symbol} kept moving under ${APPEND_ATTEMPTS} attempts to append to it`);
  }

  private learn(symbol: string, seq: number, oldest: number, publication: Publication | undefined): boolean {
    const known = this.known.get(symbol);
    if (known && seq <= known.head) {
      known.oldest = Math.max(known.oldest, oldest);
      return false;
    }
    this.known.set(symbol, { head: seq, oldest, latest: publication });
    return true;
  }

  /** A relayed append: symbol, seq, oldest, node, time and the JSON, one per line (JSON has no raw newline). */
  private received(message: string): void {
    const parts: string[] = [];
    let at = 0;
    for (let i = 0; i < 5; i++) {
      const end = message.indexOf('\n', at);
      if (end < 0) return;
      parts.push(message.slice(at, end));
      at = end + 1;
    }
    const [symbol, seqText, oldestText, node, timeText] = parts as [string, string, string, string, string];
    let publication: Publication;
    try {
      publication = JSON.parse(message.slice(at)) as Publication;
    } catch {
      this.options.warn?.('a relayed publication is not JSON; skipped', { symbol });
      return;
    }
    if (publication.data.epoch !== this.current) return;
    if (this.learn(symbol, Number(seqText), Number(oldestText), publication) && node !== this.options.nodeId) {
      for (const listener of this.listeners) listener(symbol, publication, Number(timeText));
    }
  }

  /** Reads the epoch (making it if there is none) and every symbol's head, oldest and latest. */
  private async load(): Promise<void> {
    await this.redis.set(redisKeys.epoch, randomUUID(), 'NX');
    const epoch = await this.redis.get(redisKeys.epoch);
    if (epoch === null) throw new Error('the epoch vanished from Redis as it was read');
    if (epoch !== this.current) {
      if (this.current !== '') this.options.warn?.('the signal log in Redis is a new one (Redis lost its data): a new epoch', { epoch });
      this.current = epoch;
      this.known.clear();
    }
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', LOG_PATTERN, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    const pipeline = this.redis.pipeline();
    for (const key of keys) {
      pipeline.xrevrange(key, '+', '-', 'COUNT', 1);
      pipeline.xrange(key, '-', '+', 'COUNT', 1);
    }
    const replies = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const symbol = symbolOfLog(key);
      const newest = (replies[2 * i]?.[1] as [string, string[]][] | undefined)?.[0];
      const first = (replies[2 * i + 1]?.[1] as [string, string[]][] | undefined)?.[0];
      if (symbol === undefined || !newest || !first) return;
      const json = field(newest[1], 'j');
      let latest: Publication | undefined;
      try {
        latest = json === undefined ? undefined : (JSON.parse(json) as Publication);
      } catch {
        latest = undefined;
      }
      this.learn(symbol, Number.parseInt(newest[0], 10), Number.parseInt(first[0], 10), latest);
    });
  }
}

/** A field of a stream entry, from its flat [name, value, ...] list. */
function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
