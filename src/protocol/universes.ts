// The universes a command or a server can work over, by name: the one list the CLI, the wire and the market share.

/** `bundled`: the bundled symbols, members every day; `sp500`: the S&P 500 as it was on each day. */
export const UNIVERSES = ['bundled', 'sp500'] as const;
export type UniverseName = (typeof UNIVERSES)[number];
