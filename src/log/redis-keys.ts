// Where the service keeps its state in Redis: one key scheme and one set of channels, shared by the log and the broker.

/**
 * Keys of one symbol share a hash tag (`{AAPL}`), so that a script touching the symbol's log and lease
 * runs on one shard should the Redis be a cluster.
 */
export const redisKeys = {
  /** The log's epoch: made once, by the first node, and gone only if Redis loses its data. */
  epoch: 'signals:epoch',
  /** The symbol's signal log: a stream whose entry ids are `<seq>-0`, fields `t` (append time, ms) and `j` (the JSON). */
  log: (symbol: string) => `signals:{${symbol}}:log`,
  /** Which node analyses the symbol: its node id, with an expiry the holder keeps renewing. */
  lease: (symbol: string) => `signals:{${symbol}}:lease`,
  /** A hash of the live nodes: node id -> what the node reports of itself (JSON), refreshed as it renews its leases. */
  nodes: 'signals:nodes',
};

/** `SCAN MATCH` pattern of every symbol's log, and the symbol a key of it names. */
export const LOG_PATTERN = 'signals:{*}:log';
export const symbolOfLog = (key: string): string | undefined => /^signals:\{(.+)\}:log$/.exec(key)?.[1];

export const redisChannels = {
  /** Every appended publication, published by the append script itself: logged and relayed together or not at all. */
  published: 'signals:published',
  /** Prices and agent progress of the symbols a node owns, for the other nodes' subscribers. */
  events: 'signals:events',
  /** Analysis requests handed to the node that owns the symbol. */
  analyze: (nodeId: string) => `signals:analyze:${nodeId}`,
};
