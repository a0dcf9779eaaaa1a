// Connects the dashboard to a live SignalsClient: its messages and connection changes in, key actions out.
import { describeNotRecovered, type SignalsClient } from '../client/client.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { DashboardProps } from './dashboard.js';
import { RANK_TOP, RECENT_SIGNALS } from './model.js';
import { initialState, type DashboardEvent } from './state.js';

export interface WireOptions {
  /** Where the header says we are connected. */
  title: string;
  symbols: string[];
  agents: { id: string; name: string }[];
  /** The server's universe, from its welcome. */
  universe?: string | undefined;
  colors: boolean;
  /** Ring the terminal bell when a symbol turns BUY or SELL. */
  bell?: boolean;
  onWatchlist?: (symbols: string[]) => void;
  onExit?: () => void;
  /** How often the server's status (the feed's and the market's state) is asked for while connected; default 10 s. */
  statusEveryMs?: number;
}

/** A watchlist that cannot be saved (a config file that is not JSON, a folder without write access) is said, not fatal. */
function saveWith(save: (symbols: string[]) => void, emit: (e: DashboardEvent) => void): (symbols: string[]) => void {
  return (symbols) => {
    try {
      save(symbols);
    } catch (error) {
      emit({ kind: 'note', text: `watchlist not saved: ${error instanceof Error ? error.message : String(error)}`, level: 'error' });
    }
  };
}

export function wireDashboard(client: SignalsClient, options: WireOptions): DashboardProps {
  const listeners = new Set<(e: DashboardEvent) => void>();
  const emit = (e: DashboardEvent) => listeners.forEach((l) => l(e));
  // A symbol typed in with `+` that the server does not know comes back as an error with the request's id.
  const added = new Map<string, string>();
  client.on('message', (message) => {
    emit({ kind: 'message', message });
    const symbol = message.type === 'error' && message.id !== undefined ? added.get(String(message.id)) : undefined;
    if (symbol !== undefined && message.type === 'error' && message.code === 'UNKNOWN_SYMBOL') emit({ kind: 'remove', symbol });
  });
  // The feed's and the market's state come with the server's status: asked for on connecting and then now and then.
  let statusTimer: NodeJS.Timeout | undefined;
  const watchStatus = (open: boolean) => {
    clearInterval(statusTimer);
    statusTimer = undefined;
    if (!open) return;
    client.getStatus();
    statusTimer = setInterval(() => client.getStatus(), options.statusEveryMs ?? 10_000).unref();
  };
  client.on('state', (state) => {
    watchStatus(state.status === 'open');
    emit({ kind: 'connection', state });
  });
  watchStatus(client.state.status === 'open');
  // Recovered publications after a reconnect reach the event log like live ones; a gap that could not be filled is said.
  client.on('not_recovered', (n) => emit({ kind: 'note', text: describeNotRecovered(n), level: 'warning' }));
  return {
    initial: {
      ...initialState(options.title, options.symbols),
      agentNames: options.agents,
      connection: client.state,
      ...(options.universe !== undefined ? { universe: options.universe } : {}),
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    actions: {
      analyze: (symbol) => void client.analyze(symbol),
      // The row and the subscription use the canonical form, the one the server's messages carry.
      add: (symbol) => void added.set(client.subscribe([symbol]), normaliseSymbol(symbol)),
      remove: (symbol) => void client.unsubscribe([symbol]),
      history: (symbol, sinceSeq) => void client.history(symbol, { sinceSeq, limit: RECENT_SIGNALS }),
      rank: (symbols) => void client.rank({ top: RANK_TOP, ...(symbols.length > 0 ? { symbols } : {}) }),
    },
    colors: options.colors,
    bell: options.bell ?? false,
    ...(options.onWatchlist ? { onWatchlist: saveWith(options.onWatchlist, emit) } : {}),
    onExit: options.onExit ?? (() => undefined),
  };
}
