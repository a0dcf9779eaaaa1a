// Defaults of the CLI's own choosing; the others come from the modules they configure (limits, consensus, agents).

/** Symbols `serve` watches without subscribers: large, liquid names across sectors, and the benchmark. */
export const DEFAULT_SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA', 'JPM', 'XOM', 'SPY'];
/** The replay starts here by default: a recent stretch with bundled minute bars (SPY 8-14 July, AAPL 28-30 July). */
export const DEFAULT_FROM = '2025-07-08';
export const DEFAULT_URL = 'ws://127.0.0.1:8000/ws/signals';
/** A price move of this many percent from the last analysis triggers a new one. */
export const DEFAULT_THRESHOLD_PCT = 1;
/** Price updates per second per symbol, at most, when nobody says otherwise. */
export const DEFAULT_PRICE_RATE = 4;
export const DEFAULT_SEED = 1;
