// The `signals watch` screen: header, symbols with consensus, the selected symbol's agent votes, and a short log.
import { Box, Text, useApp, useInput, useStdout, type Key } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { isSymbol, normaliseSymbol } from '../protocol/symbol.js';
import { bar, fit, right, sparkline, SPINNER } from './format.js';
import { reduce, type DashboardEvent, type DashboardState, type SymbolRow } from './state.js';

export interface DashboardActions {
  analyze(symbol: string): void;
  add(symbol: string): void;
  remove(symbol: string): void;
}

export interface DashboardProps {
  initial: DashboardState;
  /** Registers a listener for messages and connection changes; returns an unsubscribe function. */
  subscribe(listener: (event: DashboardEvent) => void): () => void;
  actions: DashboardActions;
  colors: boolean;
  /** Frames per second at most: a burst of messages is applied in one render. */
  fps?: number;
  onExit(): void;
}

const ACTION_COLOR: Record<string, string> = { BUY: 'green', SELL: 'red', HOLD: 'yellow' };
const LOG_COLOR: Record<string, string> = { signal: 'cyan', warning: 'yellow', error: 'red' };
const LOG_LINES = 4;

export function Dashboard({ initial, subscribe, actions, colors, fps = 10, onExit }: DashboardProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [state, setState] = useState(initial);
  const [frame, setFrame] = useState(0);
  const [help, setHelp] = useState(false);
  const [input, setInputState] = useState<string | undefined>(undefined);
  // Keys can arrive faster than renders: the key handler reads and writes refs, never a stale closure.
  const inputRef = useRef<string | undefined>(undefined);
  const setInput = (value: string | undefined) => {
    inputRef.current = value;
    setInputState(value);
  };
  const [size, setSize] = useState({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
  const pending = useRef<DashboardEvent[]>([]);
  const current = useRef(state);

  useEffect(() => subscribe((event) => pending.current.push(event)), [subscribe]);

  useEffect(() => {
    const timer = setInterval(() => {
      const events = pending.current.splice(0);
      if (events.length > 0) {
        current.current = events.reduce(reduce, current.current);
        setState(current.current);
      }
      if (current.current.rows.some((r) => r.agents.some((a) => a.signal === 'WORKING'))) setFrame((f) => f + 1);
    }, 1000 / fps);
    return () => clearInterval(timer);
  }, [fps]);

  useEffect(() => {
    const onResize = () => {
      // The terminal reflows the old frame at the new width, and Ink then erases the wrong lines:
      // clear the screen so the next frame starts clean.
      if (stdout.isTTY) stdout.write('\u001B[2J\u001B[3J\u001B[H');
      setSize({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
    };
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);

  const apply = (event: DashboardEvent) => {
    current.current = reduce(current.current, event);
    setState(current.current);
  };
  const onKey = (text: string, key: Key) => {
    const input = inputRef.current;
    const selected = current.current.rows[current.current.selected];
    if (input !== undefined) {
      if (key.escape) return setInput(undefined);
      if (key.return) {
        // `brk.b` follows the server's BRK-B row: one symbol rule everywhere.
        const symbol = normaliseSymbol(input);
        setInput(undefined);
        if (symbol !== '') {
          apply({ kind: 'add', symbol });
          actions.add(symbol);
        }
        return;
      }
      if (key.backspace || key.delete) return setInput(input.slice(0, -1));
      if (text.length === 1 && isSymbol(text)) setInput((input + text).slice(0, 16));
      return;
    }
    if (text === 'q' || key.escape || (key.ctrl && text === 'c')) {
      onExit();
      exit();
      return;
    }
    if (key.upArrow) return apply({ kind: 'select', delta: -1 });
    if (key.downArrow) return apply({ kind: 'select', delta: 1 });
    if (text === '?') return setHelp((h) => !h);
    if (text === '+') return setInput('');
    if (text === 'a' && selected) {
      actions.analyze(selected.symbol);
      return;
    }
    if (text === '-' && selected) {
      actions.remove(selected.symbol);
      apply({ kind: 'remove', symbol: selected.symbol });
    }
  };
  useInput((text, key) => {
    // Several keys in one read (typed fast, or pasted) arrive as one string: take them one by one.
    if (text.length > 1 && !key.ctrl && !key.meta) {
      for (const ch of text) onKey(ch, { ...key, return: ch === '\r', escape: ch === '\u001B' });
      return;
    }
    onKey(text, key);
  });

  const selected = state.rows[state.selected];
  const c = (color: string | undefined) => (colors ? color : undefined);
  const width = Math.max(60, size.columns);
  const wide = width >= 100;
  const sparkWidth = wide ? 23 : 12;

  return (
    <Box flexDirection="column" width={width}>
      <Header state={state} colors={colors} width={width} />
      <Text bold>
        {fit('SYMBOL', 7)} {right('PRICE', 9)} {right('CHG%', 7)} {fit('TREND', sparkWidth)} {fit('ACTION', 9)} {right('CONF', 4)}{' '}
        {fit('STRENGTH', 8)} {fit(wide ? 'TRIGGER / AS OF' : 'TRIGGER', wide ? 26 : 11)}
      </Text>
      {state.rows.map((row, i) => (
        <SymbolLine key={row.symbol} row={row} selected={i === state.selected} colors={colors} sparkWidth={sparkWidth} wide={wide} />
      ))}
      {state.rows.length === 0 && <Text dimColor>no symbols: press + to add one</Text>}
      <Box marginTop={1} flexDirection="column">
        <Text bold>
          {selected ? `${selected.symbol} agents` : 'agents'}
          {selected?.seq !== undefined ? `  (signal #${selected.seq})` : ''}
        </Text>
        {selected && selected.agents.length === 0 && <Text dimColor>waiting for the first analysis…</Text>}
        {selected?.agents.map((a) => {
          const working = a.signal === 'WORKING';
          const vote = working ? `${SPINNER[frame % SPINNER.length]} working` : a.signal;
          const voteColor = working ? c('cyan') : ACTION_COLOR[a.signal] ? c(ACTION_COLOR[a.signal]) : c('gray');
          return (
            <Text key={a.id} wrap="truncate">
              {fit(a.name, 18)} <Text color={voteColor}>{fit(vote, 10)}</Text> {working ? '    ' : right(a.confidence.toFixed(2), 4)}{' '}
              {working ? '          ' : bar(a.confidence, 10)} {fit(a.reason, Math.max(10, width - 48))}
            </Text>
          );
        })}
      </Box>
      <Box marginTop={1} flexDirection="column" height={LOG_LINES + 1}>
        <Text bold>events</Text>
        {state.log.slice(-LOG_LINES).map((entry, i) => (
          <Text key={`${entry.time}-${i}`} color={c(LOG_COLOR[entry.kind])} wrap="truncate">
            {entry.time} {entry.text}
          </Text>
        ))}
      </Box>
      {input !== undefined ? (
        <Text>
          add symbol: <Text color={c('cyan')}>{input}</Text>▌ <Text dimColor>(Enter to add, Esc to cancel)</Text>
        </Text>
      ) : help ? (
        <Text>↑/↓ select · a analyse now · + add symbol · - remove selected · ? close help · q/Esc/Ctrl-C quit</Text>
      ) : (
        <Text dimColor>↑/↓ select · a analyse · + add · - remove · ? help · q quit</Text>
      )}
    </Box>
  );
}

function Header({ state, colors, width }: { state: DashboardState; colors: boolean; width: number }) {
  const s = state.connection;
  const status =
    s.status === 'open'
      ? 'connected'
      : s.status === 'reconnecting'
        ? `reconnecting in ${Math.ceil(s.inMs / 1000)}s`
        : s.status === 'closed'
          ? `disconnected (${s.reason})`
          : 'connecting…';
  const color = s.status === 'open' ? 'green' : s.status === 'connecting' ? 'yellow' : 'red';
  const market = state.marketTime ? `${state.marketTime.slice(0, 10)} ${state.marketTime.slice(11, 16)} UTC` : '—';
  const last = state.lastUpdate ? state.lastUpdate.slice(11, 19) : '—';
  const rightText = width >= 100 ? `market ${market} · updated ${last}` : `${market.replace(' UTC', 'Z')} · upd ${last}`;
  // The feed behind the connection: a replay that ended or a stream that is down must not look like a quiet market.
  const feed = state.feed;
  const feedText = feed ? ` · market ${feed.market}${feed.state === 'running' ? '' : ` · feed ${feed.state}`}` : '';
  const feedColor = feed && feed.state !== 'running' ? 'yellow' : color;
  // Truncate the location, never the status: the line must fit in the terminal's width.
  const room = Math.max(10, width - rightText.length - status.length - feedText.length - 22);
  return (
    <Text wrap="truncate">
      <Text bold>signals watch</Text> {fit(state.url, room)}{' '}
      <Text color={colors ? feedColor : undefined}>
        ● {status}
        {feedText}
      </Text>
      {'  '}
      {rightText}
    </Text>
  );
}

function SymbolLine({
  row,
  selected,
  colors,
  sparkWidth,
  wide,
}: {
  row: SymbolRow;
  selected: boolean;
  colors: boolean;
  sparkWidth: number;
  wide: boolean;
}) {
  const change = row.changePercent;
  const changeColor = change === undefined ? undefined : change >= 0 ? 'green' : 'red';
  const action = row.action ?? '—';
  const trigger = row.trigger ? (wide && row.signalTime ? `${row.trigger} ${row.signalTime.slice(5, 16).replace('T', ' ')}` : row.trigger) : '';
  return (
    <Text inverse={selected} wrap="truncate">
      {fit(`${selected ? '›' : ' '}${row.symbol}`, 7)} {right(row.price?.toFixed(2) ?? '—', 9)}{' '}
      <Text color={colors ? changeColor : undefined}>{right(change === undefined ? '' : `${change >= 0 ? '+' : ''}${change.toFixed(2)}`, 7)}</Text>{' '}
      {sparkline(row.prices, sparkWidth)}{' '}
      <Text color={colors ? ACTION_COLOR[action] : undefined} bold={action in ACTION_COLOR}>
        {fit(action, 9)}
      </Text>{' '}
      {right(row.confidence === undefined ? '' : row.confidence.toFixed(2), 4)} {fit(row.strength ?? '', 8)} {fit(trigger, wide ? 26 : 11)}
    </Text>
  );
}
