// The states a feed and the market can be in: plain lists, so that code which only names a state loads no schema.

/**
 * What a market feed is doing: `running` while it quotes (or waits for the market to open), `reconnecting`
 * while a live stream is down, `stalled` while a source that should quote does not, `ended` once a replay
 * has run out of data; `stopped` before start and after stop.
 */
export const FEED_STATES = ['stopped', 'running', 'reconnecting', 'stalled', 'ended'] as const;
/** The US equities market: `pre` 04:00-09:30 and `post` 16:00-20:00 New York (extended hours), `open` the regular session. */
export const MARKET_STATES = ['open', 'closed', 'pre', 'post'] as const;
