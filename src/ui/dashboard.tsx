// The `signals watch` screen: header, symbols table, the selected symbol's votes, the event log; detail and help views.
import { Box, Text, useApp, useInput, useStdout, type Key } from 'ink';
import { useEffect, useRef, useState } from 'react';
import { isSymbol, normaliseSymbol } from '../protocol/symbol.js';
import { AgentPane, ConsensusPane, consensusLines, detailLines, paneReasons, Scrolled } from './detail.js';
import { AlertLine, Header } from './header.js';
import { helpLines } from './help.js';
import { columnsFor, heightsFor } from './layout.js';
import { RECENT_SIGNALS, type DashboardState } from './model.js';
import { rankLines, rankTexts } from './rank-view.js';
import { reduce, staleReason, visibleRows, type DashboardEvent } from './state.js';
import { Table } from './table.js';

export interface DashboardActions {
  analyze(symbol: string): void;
  add(symbol: string): void;
  remove(symbol: string): void;
  /** Asks the server for a symbol's publications after `sinceSeq` (they arrive as a `history` message). */
  history(symbol: string, sinceSeq: number): void;
  /** Asks the server for its universe's ranking: the top and bottom RANK_TOP, and `symbols`' rows (a `rank` message). */
  rank(symbols: string[]): void;
}

export interface DashboardProps {
  initial: DashboardState;
  /** Registers a listener for messages and connection changes; returns an unsubscribe function. */
  subscribe(listener: (event: DashboardEvent) => void): () => void;
  actions: DashboardActions;
  colors: boolean;
  /** Ring the terminal bell when a symbol turns BUY or SELL. */
  bell?: boolean;
  /** Frames per second at most: a burst of messages is applied in one render. */
  fps?: number;
  /** Called with the symbols on the dashboard after one is added or removed. */
  onWatchlist?(symbols: string[]): void;
  onExit(): void;
  /** How often the ranking is asked for again while connected (a replay closes a session a minute); default 60 s. */
  rankEveryMs?: number;
}

const LOG_COLOR: Record<string, string> = { signal: 'cyan', warning: 'yellow', error: 'red' };

type View = 'table' | 'detail' | 'help' | 'rank';

/** The server's rows of a ranking: at most this many symbols by name (the protocol's limit). */
const RANK_SYMBOLS = 100;
type Input = { kind: 'add' | 'filter'; text: string } | undefined;

export function Dashboard({
  initial,
  subscribe,
  actions,
  colors,
  bell = false,
  fps = 10,
  onWatchlist,
  onExit,
  rankEveryMs = 60_000,
}: DashboardProps) {
  const { exit } = useApp();
  const { stdout } = useStdout();
  const [state, setState] = useState(initial);
  const [frame, setFrame] = useState(0);
  const [now, setNow] = useState(Date.now());
  const [view, setViewState] = useState<View>('table');
  const [scroll, setScrollState] = useState(0);
  const [input, setInputState] = useState<Input>(undefined);
  // Keys can arrive faster than renders: the key handler reads and writes refs, never a stale closure.
  const refs = useRef<{ view: View; scroll: number; maxScroll: number; input: Input }>({ view: 'table', scroll: 0, maxScroll: 0, input: undefined });
  const setView = (value: View) => {
    refs.current.view = value;
    setViewState(value);
    setScroll(0);
  };
  const setScroll = (value: number) => {
    refs.current.scroll = Math.max(0, Math.min(refs.current.maxScroll, value));
    setScrollState(refs.current.scroll);
  };
  const setInput = (value: Input) => {
    refs.current.input = value;
    setInputState(value);
  };
  const [size, setSize] = useState({ columns: stdout.columns ?? 80, rows: stdout.rows ?? 24 });
  const pending = useRef<DashboardEvent[]>([]);
  const current = useRef(state);
  const rung = useRef(initial.alerts);

  useEffect(() => subscribe((event) => pending.current.push(event)), [subscribe]);

  useEffect(() => {
    let lastTick = 0;
    const timer = setInterval(() => {
      const events = pending.current.splice(0);
      if (events.length > 0) {
        current.current = events.reduce(reduce, current.current);
        setState(current.current);
      }
      if (current.current.rows.some((r) => r.agents.some((a) => a.signal === 'WORKING'))) setFrame((f) => f + 1);
      // Ages and the clock move once a second.
      if (Date.now() - lastTick >= 1000) {
        lastTick = Date.now();
        setNow(lastTick);
      }
    }, 1000 / fps);
    return () => clearInterval(timer);
  }, [fps]);

  // The watchlist is told of every change to the symbols shown: added, removed, or refused by the server.
  const watchlist = state.rows.map((r) => r.symbol).join(',');
  const told = useRef(watchlist);
  useEffect(() => {
    if (watchlist === told.current) return;
    told.current = watchlist;
    onWatchlist?.(watchlist === '' ? [] : watchlist.split(','));
  }, [watchlist, onWatchlist]);

  // The ranking (a server that names its universe has one) is asked for once connected, whenever the watchlist
  // changes (the rows of its symbols come with it), and now and then: the market clock moves on.
  const ranks = state.connection.status === 'open' && state.universe !== undefined;
  useEffect(() => {
    if (!ranks) return;
    const ask = () => actions.rank(current.current.rows.map((r) => r.symbol).slice(0, RANK_SYMBOLS));
    ask();
    const timer = setInterval(ask, rankEveryMs);
    return () => clearInterval(timer);
  }, [ranks, watchlist, actions, rankEveryMs]);

  useEffect(() => {
    if (state.alerts > rung.current && bell) stdout.write('\u0007');
    rung.current = state.alerts;
  }, [state.alerts, bell, stdout]);

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
  const onInputKey = (text: string, key: Key, input: NonNullable<Input>) => {
    if (key.escape) {
      if (input.kind === 'filter') apply({ kind: 'filter', text: '' });
      return setInput(undefined);
    }
    if (key.return) {
      setInput(undefined);
      // `brk.b` follows the server's BRK-B row: one symbol rule everywhere.
      const symbol = normaliseSymbol(input.text);
      if (input.kind === 'add' && symbol !== '') {
        apply({ kind: 'add', symbol });
        actions.add(symbol);
      }
      return;
    }
    let next = input.text;
    if (key.backspace || key.delete) next = next.slice(0, -1);
    else if (text.length === 1 && isSymbol(text)) next = (next + text).slice(0, 16);
    else if (input.kind === 'filter' && text === '_') next += text;
    setInput({ ...input, text: next });
    if (input.kind === 'filter') apply({ kind: 'filter', text: next });
  };
  const openDetail = (symbol: string) => {
    const row = current.current.rows.find((r) => r.symbol === symbol);
    actions.history(symbol, Math.max(0, (row?.seq ?? 0) - RECENT_SIGNALS));
    setView('detail');
  };
  /** The ranked view's Enter: the symbol joins the watchlist (subscribed) if it is not on it, and its detail opens. */
  const openRanked = (symbol: string) => {
    if (!current.current.rows.some((r) => r.symbol === symbol)) {
      apply({ kind: 'add', symbol });
      actions.add(symbol);
    }
    apply({ kind: 'focus', symbol });
    openDetail(symbol);
  };
  const onKey = (text: string, key: Key) => {
    const { input, view } = refs.current;
    if (key.ctrl && text === 'c') return quit();
    // While a prompt takes text, q is a letter and Esc closes the prompt.
    if (input !== undefined) return onInputKey(text, key, input);
    const selected = current.current.selected;
    const page = Math.max(1, size.rows - 6);
    if (text === 'q') return quit();
    if (view === 'rank') {
      if (key.escape || text === 'r') return setView('table');
      if (key.upArrow) return apply({ kind: 'rankSelect', delta: -1 });
      if (key.downArrow) return apply({ kind: 'rankSelect', delta: 1 });
      const ranked = current.current.rankSelected;
      if (key.return && ranked !== undefined) return openRanked(ranked);
      if (text === '?') return setView('help');
      return;
    }
    if (view !== 'table') {
      if (key.escape || (view === 'help' && text === '?') || (view === 'detail' && key.return)) return setView('table');
      if (key.upArrow) return setScroll(refs.current.scroll - 1);
      if (key.downArrow) return setScroll(refs.current.scroll + 1);
      if (key.pageUp) return setScroll(refs.current.scroll - page);
      if (key.pageDown) return setScroll(refs.current.scroll + page);
      if (text === '?') return setView('help');
      if (text === 'a' && view === 'detail' && selected) actions.analyze(selected);
      return;
    }
    // Esc closes what is open and never quits: a second Esc after closing a prompt or a view does nothing.
    if (key.escape) return;
    if (key.upArrow) return apply({ kind: 'select', delta: -1 });
    if (key.downArrow) return apply({ kind: 'select', delta: 1 });
    if (key.return && selected) return openDetail(selected);
    if (text === '?') return setView('help');
    if (text === 'r') return setView('rank');
    if (text === 's') return apply({ kind: 'sort' });
    if (text === 'S') return apply({ kind: 'reverse' });
    if (text === '/') return setInput({ kind: 'filter', text: current.current.filter });
    if (text === '+') return setInput({ kind: 'add', text: '' });
    if (text === 'a' && selected) return actions.analyze(selected);
    if (text === '-' && selected) {
      actions.remove(selected);
      apply({ kind: 'remove', symbol: selected });
    }
  };
  const quit = () => {
    onExit();
    exit();
  };
  useInput((text, key) => {
    // Several keys in one read (typed fast, or pasted) arrive as one string: take them one by one.
    if (text.length > 1 && !key.ctrl && !key.meta) {
      for (const ch of text) onKey(ch, { ...key, return: ch === '\r', escape: ch === '\u001B' });
      return;
    }
    onKey(text, key);
  });

  const width = Math.max(40, size.columns);
  const rows = visibleRows(state);
  const selected = state.rows.find((r) => r.symbol === state.selected);
  const stale = staleReason(state);
  const heights = heightsFor(size.rows, {
    rows: rows.length,
    agents: selected?.agents.length ?? 0,
    moreReasons: selected?.agents.reduce((n, a) => n + Math.max(0, paneReasons(a).length - 1), 0) ?? 0,
    logEntries: state.log.length,
    // Only once the symbol has been analysed: before that the pane has a price and nothing else to say.
    consensus: selected?.action === undefined ? 0 : consensusLines(selected, width - selected.symbol.length - 2).length,
    alert: state.alert !== undefined,
  });
  const c = (color: string | undefined) => (colors ? color : undefined);
  const ranked = view === 'rank' ? rankLines(state, width) : undefined;
  const page = ranked?.lines ?? (view === 'help' ? helpLines(width) : view === 'detail' && selected ? detailLines(selected, width) : []);
  // The last line of a view that does not fit says where it is: the lines above it scroll.
  refs.current.maxScroll = page.length > heights.body ? page.length - (heights.body - 1) : 0;
  // The ranked view scrolls with its selection, which ↑/↓ move.
  const offset = ranked ? Math.max(0, ranked.selectedAt - (heights.body - 3)) : scroll;
  const logLines = heights.log >= 2 ? heights.log - 1 : heights.log;

  return (
    <Box flexDirection="column" width={width}>
      <Header state={state} colors={colors} width={width} />
      {state.alert && <AlertLine alert={state.alert} colors={colors} />}
      {page.length > 0 ? (
        <Scrolled
          lines={page}
          offset={offset}
          height={heights.body}
          colors={colors}
          hint={view === 'help' ? 'Esc or ? closes' : view === 'rank' ? 'Esc or r: back' : 'Esc or Enter: back'}
        />
      ) : (
        <>
          <Table
            rows={rows}
            selected={state.selected}
            columns={columnsFor(
              width,
              stale !== undefined,
              state.rows.some((r) => r.evidence !== undefined),
              state.ranking !== undefined,
            )}
            ranks={rankTexts(state)}
            height={heights.table}
            sort={state.sort}
            descending={state.descending}
            colors={colors}
            stale={stale !== undefined}
            now={now}
            emptyText={state.rows.length === 0 ? 'no symbols: press + to add one' : `nothing matches the filter "${state.filter}"`}
          />
          {heights.gaps > 0 && <Box height={1} />}
          <ConsensusPane row={selected} lines={heights.consensus} width={width} colors={colors} />
          <AgentPane row={selected} lines={heights.agents} width={width} frame={frame} colors={colors} />
          {heights.log >= 2 && <Text bold>events</Text>}
          {state.log.slice(-logLines).map((entry, i) => (
            <Text key={`${entry.time}-${i}`} color={c(LOG_COLOR[entry.kind])} wrap="truncate">
              {entry.time} {entry.text}
            </Text>
          ))}
        </>
      )}
      <Footer state={state} view={view} input={input} shown={rows.length} stale={stale} colors={colors} />
    </Box>
  );
}

function Footer({
  state,
  view,
  input,
  shown,
  stale,
  colors,
}: {
  state: DashboardState;
  view: View;
  input: Input;
  shown: number;
  stale: string | undefined;
  colors: boolean;
}) {
  if (input?.kind === 'add') {
    return (
      <Text wrap="truncate">
        add symbol: <Text color={colors ? 'cyan' : undefined}>{input.text}</Text>▌ <Text dimColor>(Enter to add, Esc to cancel)</Text>
      </Text>
    );
  }
  if (input?.kind === 'filter') {
    return (
      <Text wrap="truncate">
        filter: <Text color={colors ? 'cyan' : undefined}>{input.text}</Text>▌{' '}
        <Text dimColor>
          ({shown} of {state.rows.length}; Enter keeps it, Esc clears it)
        </Text>
      </Text>
    );
  }
  if (view === 'help') return <Text dimColor>Esc or ? close the help · q quit</Text>;
  if (view === 'rank')
    return (
      <Text dimColor wrap="truncate">
        ↑/↓ select · Enter open (subscribe, detail) · Esc or r back · ? help · q quit
      </Text>
    );
  if (view === 'detail')
    return (
      <Text dimColor wrap="truncate">
        Esc or Enter back · ↑/↓ scroll · a analyse · ? help
      </Text>
    );
  const status = [
    stale && `stale: ${stale}`,
    state.sort !== 'watchlist' && `sort ${state.sort}${state.descending ? ' (reversed)' : ''}`,
    state.filter !== '' && `filter "${state.filter}" ${shown}/${state.rows.length}`,
  ].filter(Boolean);
  return (
    <Text wrap="truncate">
      {status.length > 0 && <Text color={colors ? 'yellow' : undefined}>{status.join(' · ')} · </Text>}
      <Text dimColor>↑/↓ select · Enter detail · r ranked · s sort · / filter · a analyse · + add · - remove · ? help · q quit</Text>
    </Text>
  );
}
