// Fitting the dashboard to the terminal: which columns show at a width, how many lines each part gets at a height.

export type ColumnId = 'symbol' | 'price' | 'change' | 'trend' | 'action' | 'conf' | 'rank' | 'edge' | 'strength' | 'age' | 'trigger';

export interface Column {
  id: ColumnId;
  title: string;
  width: number;
  align: 'left' | 'right';
}

interface ColumnSpec extends Column {
  /** Dropped first when the terminal is narrow: the highest number goes first; 0 is never dropped. */
  priority: number;
}

const SPECS: ColumnSpec[] = [
  { id: 'symbol', title: 'SYMBOL', width: 8, align: 'left', priority: 0 },
  { id: 'price', title: 'PRICE', width: 9, align: 'right', priority: 1 },
  { id: 'change', title: 'CHG%', width: 7, align: 'right', priority: 2 },
  { id: 'trend', title: 'TREND', width: 8, align: 'left', priority: 6 },
  { id: 'action', title: 'ACTION', width: 9, align: 'left', priority: 0 },
  { id: 'conf', title: 'CONF', width: 5, align: 'right', priority: 3 },
  // The symbol's place in the universe's ranking by the consensus, once the server has sent one.
  { id: 'rank', title: 'RANK', width: 7, align: 'right', priority: 4 },
  // The same for every row analysed in a month (the consensus's record pools the universe): the first to go.
  { id: 'edge', title: 'EDGE', width: 4, align: 'left', priority: 8 },
  { id: 'strength', title: 'STRENGTH', width: 8, align: 'left', priority: 5 },
  { id: 'age', title: 'AGE', width: 4, align: 'right', priority: 2 },
  { id: 'trigger', title: 'TRIGGER', width: 11, align: 'left', priority: 7 },
];

const TREND_WIDE = 12;
const TREND_MAX = 23;
const TRIGGER_WITH_TIME = 26;

const used = (columns: Column[]) => columns.reduce((sum, c) => sum + c.width, 0) + Math.max(0, columns.length - 1);

/**
 * The table's columns at a width: the lowest-priority columns (the edge first) are dropped until the rest fit, then the room
 * left widens the sparkline and adds the signal's time to the trigger. AGE shows only while the rows are stale, EDGE only
 * when some row's consensus carries evidence, RANK only with a ranking.
 * @example columnsFor(60, false).map((c) => c.id) // ['symbol', 'price', 'change', 'trend', 'action', 'conf', 'strength']
 */
export function columnsFor(width: number, stale: boolean, edge = false, rank = false): Column[] {
  let specs = SPECS.filter((s) => (stale || s.id !== 'age') && (edge || s.id !== 'edge') && (rank || s.id !== 'rank'));
  while (used(specs) > width && specs.some((s) => s.priority > 0)) {
    const drop = specs.reduce((a, b) => (b.priority > a.priority ? b : a));
    specs = specs.filter((s) => s !== drop);
  }
  const columns: Column[] = specs.map(({ id, title, width: w, align }) => ({ id, title, width: w, align }));
  const grow = (id: ColumnId, to: number, title?: string) => {
    const column = columns.find((c) => c.id === id);
    const room = width - used(columns);
    if (!column || room <= 0 || column.width >= to) return;
    if (title !== undefined && room < to - column.width) return;
    column.width = Math.min(to, column.width + room);
    if (title !== undefined) column.title = title;
  };
  grow('trend', TREND_WIDE);
  grow('trigger', TRIGGER_WITH_TIME, 'TRIGGER / AS OF');
  grow('trend', TREND_MAX);
  return columns;
}

export interface Heights {
  /** Symbol rows shown (the table scrolls to keep the selection in view). */
  table: number;
  /** The selected symbol's votes: a title line and one line per agent, plus extra reason lines. */
  agents: number;
  /** The event log, with its title when it has two lines or more. */
  log: number;
  /** The selected symbol's consensus (its levels, reasons, evidence), between the table and the votes. */
  consensus: number;
  /** A blank line under the table, when there is room. */
  gaps: number;
  /** Lines between the header and the footer for a full-screen view (detail, help). */
  body: number;
}

export interface Content {
  rows: number;
  agents: number;
  /** Reason lines beyond each agent's first. */
  moreReasons: number;
  logEntries: number;
  /** Lines of the selected symbol's consensus. */
  consensus: number;
  alert: boolean;
}

/**
 * Lines per part at a terminal height. The header, the alert and the footer always show; the table gets at least
 * three rows (or half the room); the votes come next, then one log line; what is left shows more rows, five log
 * entries, the agents' further reasons, a blank line under the table, the selected symbol's consensus, then the rest of
 * the log: the room is used before any line stays blank. One line is left free: a frame as tall as the terminal makes
 * Ink redraw the whole screen each time.
 */
export function heightsFor(height: number, content: Content): Heights {
  const fixed = 2 + (content.alert ? 1 : 0);
  const body = Math.max(1, height - 1 - fixed);
  let rest = body - 1;
  const take = (want: number) => {
    const got = Math.max(0, Math.min(want, rest));
    rest -= got;
    return got;
  };
  const rows = Math.max(1, content.rows);
  let table = take(Math.min(rows, Math.max(3, Math.floor(rest / 2))));
  const logMin = content.logEntries > 0 ? 1 : 0;
  rest -= logMin;
  let agents = take(1 + Math.max(1, content.agents));
  if (agents === 1) {
    rest += 1;
    agents = 0;
  }
  table += take(rows - table);
  const withTitle = (entries: number) => (entries === 0 ? 0 : 1 + entries);
  let log = logMin + take(withTitle(Math.min(content.logEntries, 5)) - logMin);
  agents += agents > 0 ? take(content.moreReasons) : 0;
  const gaps = take(1);
  const consensus = agents > 0 ? take(content.consensus) : 0;
  log += take(withTitle(content.logEntries) - log);
  return { table, agents, log, consensus, gaps, body };
}
