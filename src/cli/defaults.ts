// Defaults shared by the commands' option definitions (kept apart so `analyze` does not load the server to read them).

/** Symbols `serve` watches without subscribers: large, liquid names across sectors, and the benchmark. */
export const DEFAULT_SYMBOLS = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'META', 'TSLA', 'JPM', 'XOM', 'SPY'];
/** The replay starts here by default: a recent stretch with bundled minute bars (SPY 8-14 July, AAPL 28-30 July). */
export const DEFAULT_FROM = '2025-07-08';
export const DEFAULT_URL = 'ws://127.0.0.1:8000/ws/signals';
