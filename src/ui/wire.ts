// Connects the dashboard to a live SignalsClient: its messages and connection changes in, key actions out.
import type { SignalsClient } from '../client/client.js';
import type { DashboardProps } from './dashboard.js';
import { initialState, type DashboardEvent } from './state.js';

export interface WireOptions {
  /** Where the header says we are connected. */
  title: string;
  symbols: string[];
  agents: { id: string; name: string }[];
  colors: boolean;
  onExit?: () => void;
}

export function wireDashboard(client: SignalsClient, options: WireOptions): DashboardProps {
  const listeners = new Set<(e: DashboardEvent) => void>();
  const emit = (e: DashboardEvent) => listeners.forEach((l) => l(e));
  client.on('message', (message) => emit({ kind: 'message', message }));
  client.on('state', (state) => emit({ kind: 'connection', state }));
  return {
    initial: { ...initialState(options.title, options.symbols), agentNames: options.agents, connection: client.state },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    actions: {
      analyze: (symbol) => void client.analyze(symbol),
      add: (symbol) => void client.subscribe([symbol]),
      remove: (symbol) => void client.unsubscribe([symbol]),
    },
    colors: options.colors,
    onExit: options.onExit ?? (() => undefined),
  };
}
