// Where each provider is reached unless told otherwise, and Alpaca's feeds: plain values, so that the CLI's option
// tables load without the providers' code.

export const DEFAULT_YAHOO_URL = 'https://query2.finance.yahoo.com';
export const DEFAULT_ALPACA_DATA_URL = 'https://data.alpaca.markets';
export const DEFAULT_ALPACA_STREAM_URL = 'wss://stream.data.alpaca.markets';
export const DEFAULT_FRED_URL = 'https://api.stlouisfed.org';

/** Alpaca's market-data feeds: `iex` on the free plan, `sip` (every US exchange) on a paid one. */
export const ALPACA_FEEDS = ['iex', 'sip'] as const;
export type AlpacaFeedName = (typeof ALPACA_FEEDS)[number];
