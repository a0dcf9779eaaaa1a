// The dashboard's first lines: connection, feed and market state, the market clock, the regime; and the latest BUY/SELL alert.
import { Text } from 'ink';
import { regimeForms } from './evidence.js';
import type { Alert, DashboardState } from './model.js';

interface Piece {
  text: string;
  /** Shorter forms of the text, tried in turn when it does not fit. */
  shorter?: string[];
  color?: string | undefined;
  bold?: boolean;
  /** Pieces are taken in this order while they fit, and shown in the order of the list. */
  priority: number;
}

const MARKET: Record<string, string> = { open: 'market open', closed: 'market closed', pre: 'pre-market', post: 'after hours' };

function connectionText(state: DashboardState, narrow: boolean): string {
  const s = state.connection;
  if (s.status === 'open') return '● connected';
  if (s.status === 'connecting') return '● connecting…';
  if (s.status === 'closed') return `● disconnected (${s.reason})`;
  const n = state.failedAttempts;
  const inS = Math.ceil(s.inMs / 1000);
  if (narrow) return `● retry in ${inS}s${n > 0 ? `, ${n} failed` : ''}`;
  return `● reconnecting in ${inS}s${n > 0 ? ` (${n} failed)` : ''}`;
}

/**
 * Taken first: the connection, the market state and the market clock (a replay: that it is one, and its clock); then
 * the feed, the market regime, the universe, the title, the last update, the server.
 */
function pieces(state: DashboardState, width: number): Piece[] {
  const wide = width >= 100;
  const narrow = width < 80;
  const s = state.connection.status;
  const connection = { text: connectionText(state, narrow), color: s === 'open' ? 'green' : s === 'connecting' ? 'yellow' : 'red', priority: 0 };
  const ms = state.marketState;
  const replay = state.feed === 'replay';
  // A replay's market is a past one: its state comes after its clock, which keeps its year.
  const market = ms ? { text: MARKET[ms] ?? `market ${ms}`, color: ms === 'open' ? 'green' : 'yellow', priority: replay ? 2.5 : 1 } : undefined;
  const source = replay
    ? { text: state.feedSource ? `replay of ${state.feedSource}` : 'replay', shorter: ['replay'], color: 'yellow', priority: 1 }
    : undefined;
  const time = state.marketTime;
  // The clock says it is the market's (not the wall's) unless the market state or the replay beside it does.
  const clockText =
    time && `${market || source || !wide ? '' : 'market '}${time.slice(narrow && !replay ? 5 : 0, 10)} ${time.slice(11, 16)}${wide ? ' UTC' : 'Z'}`;
  const clock = clockText ? { text: clockText, priority: replay ? 1.5 : 2 } : undefined;
  const fs = state.feedState;
  const feed = fs && fs !== 'running' ? { text: `feed ${fs}`, color: 'yellow', priority: 3 } : undefined;
  const updated = state.lastUpdate ? { text: `${wide ? 'updated' : 'upd'} ${state.lastUpdate.slice(11, 19)}`, priority: 5 } : undefined;
  const [full, ...shorter] = regimeForms(state.regime);
  const regime = full ? { text: full, shorter, priority: 3.5 } : undefined;
  const title = { text: narrow ? 'signals' : 'signals watch', bold: true, priority: 4 };
  const universe = state.universe === undefined ? undefined : { text: `universe ${state.universe}`, shorter: [state.universe], priority: 3.7 };
  const order = replay ? [title, connection, source, clock, market, feed] : [title, connection, market, feed, clock];
  return [...order, universe, regime, updated, { text: state.url, priority: 6 }].filter((p) => p !== undefined);
}

/** One line, never wrapped: pieces that do not fit are left out; the server's location is cut to what is left. */
export function Header({ state, colors, width }: { state: DashboardState; colors: boolean; width: number }) {
  const all = pieces(state, width);
  const taken = new Set<Piece>();
  let used = 0;
  for (const piece of [...all].sort((a, b) => a.priority - b.priority)) {
    const room = width - used - (taken.size > 0 ? 3 : 0);
    const text = [piece.text, ...(piece.shorter ?? [])].find((t) => t.length <= room);
    if (text !== undefined) {
      piece.text = text;
      taken.add(piece);
      used = width - room + text.length;
    } else if (piece.text === state.url && width - used > 13) {
      piece.text = `${piece.text.slice(0, width - used - 4)}…`;
      taken.add(piece);
      used = width;
    }
  }
  const shown = all.filter((p) => taken.has(p));
  return (
    <Text wrap="truncate">
      {shown.map((p, i) => (
        <Text key={i}>
          {i > 0 ? ' · ' : ''}
          <Text color={colors ? p.color : undefined} bold={p.bold ?? false}>
            {p.text}
          </Text>
        </Text>
      ))}
    </Text>
  );
}

export function AlertLine({ alert, colors }: { alert: Alert; colors: boolean }) {
  const color = colors ? (alert.action === 'BUY' ? 'green' : 'red') : undefined;
  return (
    <Text wrap="truncate" color={color} bold>
      {alert.action === 'BUY' ? '▲' : '▼'} {alert.time} {alert.text}
    </Text>
  );
}
