// The selected symbol's votes: a compact pane under the table, and the full detail view (Enter) as scrollable lines.
import { Text } from 'ink';
import { bar, fit, right, SPINNER, wrap } from './format.js';
import type { CallRecord } from '../protocol/messages.js';
import type { SymbolRow } from './model.js';
import { ACTION_COLOR } from './table.js';

export interface Line {
  text: string;
  color?: string | undefined;
  bold?: boolean;
  dim?: boolean;
}

/** Splits `budget` extra lines among items that want `wants[i]` each, one at a time in turn, so each gets some. */
export function share(budget: number, wants: number[]): number[] {
  const got = wants.map(() => 0);
  let left = budget;
  while (left > 0 && got.some((g, i) => g < wants[i]!)) {
    for (let i = 0; i < wants.length && left > 0; i++) {
      if (got[i]! < wants[i]!) {
        got[i]! += 1;
        left -= 1;
      }
    }
  }
  return got;
}

const voteColor = (signal: string) => (signal === 'WORKING' ? 'cyan' : (ACTION_COLOR[signal] ?? 'gray'));

/** Under the table: a title, then a line per agent with its first reason; `lines` beyond that show further reasons. */
export function AgentPane({
  row,
  lines,
  width,
  frame,
  colors,
}: {
  row: SymbolRow | undefined;
  lines: number;
  width: number;
  frame: number;
  colors: boolean;
}) {
  if (lines <= 0) return null;
  const title = `${row ? `${row.symbol} agents` : 'agents'}${row?.seq !== undefined ? `  (signal #${row.seq})` : ''}${row ? ' · Enter: detail' : ''}`;
  const agents = (row?.agents ?? []).slice(0, lines - 1);
  const extra = share(
    lines - 1 - agents.length,
    agents.map((a) => Math.max(0, a.reasons.length - 1)),
  );
  // On a narrow terminal the reasons get the room: shorter names, and no bar.
  const narrow = width < 80;
  const nameWidth = narrow ? 12 : 18;
  const numbersWidth = narrow ? 4 : 15;
  const reasonAt = nameWidth + 1 + 10 + 1 + numbersWidth + 1;
  const reasonWidth = Math.max(0, width - reasonAt);
  const out = agents.flatMap((a, i) => {
    const working = a.signal === 'WORKING';
    const vote = working ? `${SPINNER[frame % SPINNER.length]} working` : a.signal;
    const numbers = working ? ' '.repeat(numbersWidth) : `${right(a.confidence.toFixed(2), 4)}${narrow ? '' : ` ${bar(a.confidence, 10)}`}`;
    return [
      <Text key={a.id} wrap="truncate">
        {fit(a.name, nameWidth)} <Text color={colors ? voteColor(a.signal) : undefined}>{fit(vote, 10)}</Text> {numbers}{' '}
        {fit(a.reasons[0] ?? '', reasonWidth)}
      </Text>,
      ...a.reasons.slice(1, 1 + extra[i]!).map((r, j) => (
        <Text key={`${a.id}.${j}`} dimColor wrap="truncate">
          {' '.repeat(reasonAt)}
          {fit(r, reasonWidth)}
        </Text>
      )),
    ];
  });
  return (
    <>
      <Text bold wrap="truncate">
        {title}
      </Text>
      {row && row.agents.length === 0 && lines > 1 && <Text dimColor>waiting for the first analysis…</Text>}
      {out}
    </>
  );
}

function value(v: number | string | boolean | null): string {
  if (typeof v !== 'number') return String(v);
  return Math.abs(v) >= 10_000 ? v.toFixed(0) : String(Number(v.toPrecision(4)));
}

function indicatorLines(indicators: Record<string, number | string | boolean | null> | undefined, width: number, indent: string): Line[] {
  const entries = Object.entries(indicators ?? {});
  if (entries.length === 0) return [];
  const text = entries.map(([k, v]) => `${k} ${value(v)}`).join(' · ');
  return wrap(text, width - indent.length).map((t) => ({ text: `${indent}${t}`, dim: true }));
}

const bullets = (reasons: string[], width: number, indent: string): Line[] =>
  reasons.flatMap((r) => wrap(r, width - indent.length - 2).map((t, i) => ({ text: `${indent}${i === 0 ? '• ' : '  '}${t}` })));

/** `212 calls · right 60.9% · excess +0.41%`, or that there were none. */
export function callRecord(r: CallRecord): string {
  if (r.calls === 0 || r.hit_rate === null || r.mean_excess_return === null) return 'no past calls';
  const excess = r.mean_excess_return * 100;
  return `${r.calls} calls · right ${(r.hit_rate * 100).toFixed(1)}% · excess ${excess >= 0 ? '+' : ''}${excess.toFixed(2)}%`;
}

const percentFrom = (price: number | undefined, level: number) =>
  price === undefined || price === 0 ? '' : ` (${level >= price ? '+' : ''}${(((level - price) / price) * 100).toFixed(2)}%)`;

/**
 * Everything known about a symbol, as lines of at most `width`: the consensus with its target and stop or why there
 * was no signal, every agent's reasons and indicators, and the recent publications from the server's history.
 */
export function detailLines(row: SymbolRow, width: number): Line[] {
  const lines: Line[] = [];
  const head = [
    row.action ?? 'no analysis yet',
    row.confidence?.toFixed(2),
    row.strength,
    row.trigger,
    row.signalTime && `as of ${row.signalTime.slice(0, 16).replace('T', ' ')}`,
    row.seq !== undefined && `signal #${row.seq}`,
  ];
  lines.push({ text: `${row.symbol}  ${head.filter(Boolean).join(' · ')}`, bold: true, color: ACTION_COLOR[row.action ?? ''] });
  const levels = [`price ${row.price?.toFixed(2) ?? '—'}`];
  if (row.target !== undefined) levels.push(`target ${row.target.toFixed(2)}${percentFrom(row.price, row.target)}`);
  if (row.stop !== undefined) levels.push(`stop ${row.stop.toFixed(2)}${percentFrom(row.price, row.stop)}`);
  lines.push({ text: levels.join('   ') });
  if (row.noSignalReason)
    lines.push(
      ...wrap(`${row.action === 'ERROR' ? 'failed' : 'no signal'}: ${row.noSignalReason}`, width).map((text) => ({ text, color: 'yellow' })),
    );
  const record = row.trackRecord;
  if (record) {
    const since = record.since ? ` since ${record.since}` : '';
    lines.push({ text: `track record${since}, each call judged over ${record.consensus.horizon_days} trading days`, bold: true });
    lines.push({ text: `  consensus: ${callRecord(record.consensus)}` });
  }
  if (row.reasoning && row.reasoning.length > 0) lines.push({ text: 'consensus', bold: true }, ...bullets(row.reasoning, width, '  '));
  lines.push(...indicatorLines(row.indicators, width, '  '));
  lines.push({ text: '' }, { text: 'agents', bold: true });
  if (row.agents.length === 0) lines.push({ text: '  no votes yet', dim: true });
  for (const a of row.agents) {
    const numbers = a.signal === 'WORKING' ? '' : ` ${a.confidence.toFixed(2)} ${bar(a.confidence, 10)}`;
    lines.push({ text: `${fit(a.name, 18)} ${a.signal}${numbers}`, color: voteColor(a.signal) });
    const agentRecord = row.trackRecord?.agents[a.id];
    if (agentRecord) lines.push({ text: `  track record: ${callRecord(agentRecord)} · weight ${agentRecord.weight}`, dim: true });
    lines.push(...bullets(a.reasons, width, '  '), ...indicatorLines(a.indicators, width, '  '));
  }
  lines.push({ text: '' }, { text: 'recent signals', bold: true });
  if (row.history === undefined) lines.push({ text: '  asking the server…', dim: true });
  else if (row.history.length === 0) lines.push({ text: '  none logged yet', dim: true });
  for (const e of [...(row.history ?? [])].reverse()) {
    const confidence = e.confidence === undefined ? '' : ` ${e.confidence.toFixed(2)}`;
    lines.push({
      text: fit(`  #${e.seq}  ${e.time.slice(5, 16).replace('T', ' ')}  ${e.action}${confidence} ${e.strength ?? ''}  ${e.trigger ?? ''}`, width),
      color: ACTION_COLOR[e.action],
    });
  }
  return lines;
}

/** `height` lines of `lines` from `offset`, with a last line saying what is above and below when it does not all fit. */
export function Scrolled({ lines, offset, height, colors, hint }: { lines: Line[]; offset: number; height: number; colors: boolean; hint: string }) {
  const fits = lines.length <= height;
  const room = fits ? height : height - 1;
  const start = Math.max(0, Math.min(offset, lines.length - room));
  const shown = lines.slice(start, start + room);
  return (
    <>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate" color={colors ? l.color : undefined} bold={l.bold ?? false} dimColor={l.dim ?? false}>
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
      {!fits && (
        <Text dimColor wrap="truncate">
          {`lines ${start + 1}-${start + shown.length} of ${lines.length} · ↑/↓ PgUp/PgDn scroll · ${hint}`}
        </Text>
      )}
    </>
  );
}
