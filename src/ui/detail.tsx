// The selected symbol's votes: a compact pane under the table, and the full detail view (Enter) as scrollable lines.
import { Text } from 'ink';
import { bar, fit, right, SPINNER, wrap } from './format.js';
import type { CallRecord, EvidenceData } from '../protocol/messages.js';
import { confidenceName, evidenceSegments, flow, regimeReadings } from './evidence.js';
import type { AgentRow, SymbolRow } from './model.js';
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

/**
 * The reasons the pane under the table shows: under the evidence consensus an agent's first reason restates its call
 * and the probability its number already shows (`BUY by its own rule; P(it beats SPY in 21 days) 0.52, ...`), so the
 * pane starts at the rule's own reasons; the detail view shows them all.
 */
export const paneReasons = (a: AgentRow) => (/^(BUY|SELL|HOLD) by its own rule;/.test(a.reasons[0] ?? '') ? a.reasons.slice(1) : a.reasons);

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
  const agents = (row?.agents ?? []).slice(0, lines - 1);
  // Agents that do not fit are counted in the title; Enter shows them all.
  const hidden = (row?.agents.length ?? 0) - agents.length;
  const title = [
    `${row ? `${row.symbol} agents` : 'agents'}${row?.seq !== undefined ? `  (signal #${row.seq})` : ''}`,
    hidden > 0 && `+${hidden} more`,
    row && 'Enter: detail',
  ]
    .filter(Boolean)
    .join(' · ');
  const extra = share(
    lines - 1 - agents.length,
    agents.map((a) => Math.max(0, paneReasons(a).length - 1)),
  );
  // On a narrow terminal the reasons get the room: shorter names, and no bar.
  const narrow = width < 80;
  const nameWidth = narrow ? 12 : 18;
  const numbersWidth = narrow ? 4 : 15;
  const reasonAt = nameWidth + 1 + 10 + 1 + numbersWidth + 1;
  const reasonWidth = Math.max(0, width - reasonAt);
  const out = agents.flatMap((a, i) => {
    const reasons = paneReasons(a);
    const working = a.signal === 'WORKING';
    const vote = working ? `${SPINNER[frame % SPINNER.length]} working` : a.signal;
    const numbers = working ? ' '.repeat(numbersWidth) : `${right(a.confidence.toFixed(2), 4)}${narrow ? '' : ` ${bar(a.confidence, 10)}`}`;
    return [
      <Text key={a.id} wrap="truncate">
        {fit(a.name, nameWidth)} <Text color={colors ? voteColor(a.signal) : undefined}>{fit(vote, 10)}</Text> {numbers}{' '}
        {fit(reasons[0] ?? '', reasonWidth)}
      </Text>,
      ...reasons.slice(1, 1 + extra[i]!).map((r, j) => (
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

/** The selected symbol's consensus between the table and the votes: as many of its lines as `lines` allows. */
export function ConsensusPane({ row, lines, width, colors }: { row: SymbolRow | undefined; lines: number; width: number; colors: boolean }) {
  if (lines <= 0 || row === undefined) return null;
  const shown = consensusLines(row, width - row.symbol.length - 2).slice(0, lines);
  return (
    <>
      {shown.map((l, i) => (
        <Text key={i} wrap="truncate" color={colors ? l.color : undefined} bold={l.bold ?? false} dimColor={l.dim ?? false}>
          {i === 0 ? `${row.symbol}  ` : ' '.repeat(row.symbol.length + 2)}
          {l.text}
        </Text>
      ))}
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

/** A track record as segments: `212 calls`, `right 60.9%`, `vs SPY +0.41%`; or that there were none. */
export function callRecord(r: CallRecord): string[] {
  if (r.calls === 0 || r.hit_rate === null || r.mean_excess_return === null) return ['no past calls'];
  const excess = r.mean_excess_return * 100;
  return [`${r.calls} calls`, `right ${(r.hit_rate * 100).toFixed(1)}%`, `vs SPY ${excess >= 0 ? '+' : ''}${excess.toFixed(2)}%`];
}

const percentFrom = (price: number | undefined, level: number) =>
  price === undefined || price === 0 ? '' : ` (${level >= price ? '+' : ''}${(((level - price) / price) * 100).toFixed(2)}%)`;

/** Texts as lines, each starting with `indent`. */
const indented = (texts: string[], indent: string, line: Omit<Line, 'text'> = {}): Line[] =>
  texts.map((text) => ({ ...line, text: `${indent}${text}` }));

/** A record as indented lines: its figures, then its verdict in words unless `verdict` is false. */
function evidenceBlock(e: EvidenceData, width: number, indent: string, verdict = true): Line[] {
  const figures = indented(flow(evidenceSegments(e), width - indent.length), indent, { dim: true });
  return verdict ? [...figures, ...indented(wrap(e.label, width - indent.length), indent)] : figures;
}

/** What the consensus's confidence means for this call, in words. */
function consensusChance(row: SymbolRow, horizon: number): string | undefined {
  if (row.confidence === undefined || row.evidence === undefined) return undefined;
  const p = row.confidence.toFixed(2);
  if (row.action === 'BUY') return `chance the BUY is right ${p} (${row.symbol} beats SPY in ${horizon} trading days)`;
  if (row.action === 'SELL') return `chance the SELL is right ${p} (${row.symbol} trails SPY in ${horizon} trading days)`;
  return `HOLD, no call: the likelier side's chance ${p} (${row.symbol} vs SPY in ${horizon} trading days)`;
}

/**
 * The consensus of a symbol as lines of at most `width`: its price with the target and stop (and how far each is) or
 * why there was no signal; the chance its call is right, its reasons, its evidence and track record; its indicators.
 */
export function consensusLines(row: SymbolRow, width: number): Line[] {
  const lines: Line[] = [];
  const levels = [`price ${row.price?.toFixed(2) ?? '—'}`];
  if (row.target !== undefined) levels.push(`target ${row.target.toFixed(2)}${percentFrom(row.price, row.target)}`);
  if (row.stop !== undefined) levels.push(`stop ${row.stop.toFixed(2)}${percentFrom(row.price, row.stop)}`);
  lines.push({ text: levels.join('   ') });
  if (row.noSignalReason)
    lines.push(
      ...wrap(`${row.action === 'ERROR' ? 'failed' : 'no signal'}: ${row.noSignalReason}`, width).map((text) => ({ text, color: 'yellow' })),
    );
  const record = row.trackRecord;
  const horizon = row.evidence?.horizon_days ?? record?.consensus.horizon_days ?? 21;
  const chance = consensusChance(row, horizon);
  if (chance || (row.reasoning && row.reasoning.length > 0) || row.evidence || record) {
    lines.push(...wrap(chance ? `consensus: ${chance}` : 'consensus', width).map((text) => ({ text, bold: true })));
    lines.push(...bullets(row.reasoning ?? [], width, '  '));
    // The server's reasons usually repeat the verdict: then the figures alone.
    if (row.evidence) lines.push(...evidenceBlock(row.evidence, width, '  ', !row.reasoning?.some((r) => r.startsWith(row.evidence!.label))));
    if (record) {
      const since = record.since ? ` since ${record.since}` : '';
      const [first, ...more] = callRecord(record.consensus);
      const title = `track record on ${row.symbol}${since} (${record.consensus.horizon_days} days): ${first}`;
      lines.push(...indented(flow([title, ...more], width - 2), '  '));
    }
  }
  lines.push(...indicatorLines(row.indicators, width, '  '));
  return lines;
}

/**
 * Everything known about a symbol, as lines of at most `width`: the consensus (consensusLines); the market regime;
 * every agent's call, evidence, own-rule track record, reasons and indicators; and the recent publications from the
 * server's history.
 */
export function detailLines(row: SymbolRow, width: number): Line[] {
  const lines: Line[] = [];
  // P(right) only where the server's consensus says so: the vote formula (--reference-consensus) sends no evidence.
  const calibrated = row.evidence !== undefined;
  const named = (signal: string, confidence: number) => `${calibrated ? `${confidenceName(signal)} ` : ''}${confidence.toFixed(2)}`;
  const head = [
    row.action ?? 'no analysis yet',
    row.confidence !== undefined && named(row.action ?? '', row.confidence),
    row.strength,
    row.trigger,
    row.signalTime && `as of ${row.signalTime.slice(0, 16).replace('T', ' ')}`,
    row.seq !== undefined && `signal #${row.seq}`,
  ];
  const color = ACTION_COLOR[row.action ?? ''];
  lines.push(
    ...flow([`${row.symbol}  ${head[0]}`, ...head.slice(1).filter((x) => typeof x === 'string')], width).map((text) => ({ text, bold: true, color })),
  );
  lines.push(...consensusLines(row, width));
  lines.push({ text: '' }, { text: 'agents', bold: true });
  if (row.agents.length === 0) lines.push({ text: '  no votes yet', dim: true });
  for (const a of row.agents) {
    const voted = a.signal === 'BUY' || a.signal === 'SELL' || a.signal === 'HOLD';
    const numbers = voted ? ` ${named(a.signal, a.confidence)} ${bar(a.confidence, 10)}` : '';
    lines.push({ text: `${fit(a.name, 18)} ${a.signal}${numbers}`, color: voteColor(a.signal) });
    if (a.evidence) lines.push(...evidenceBlock(a.evidence, width, '  '));
    const agentRecord = row.trackRecord?.agents[a.id];
    if (agentRecord) {
      const weight = a.evidence?.weight === undefined ? [`weight ${agentRecord.weight.toFixed(3)}`] : [];
      const [first, ...more] = callRecord(agentRecord);
      lines.push(...indented(flow([`own rule on ${row.symbol}: ${first}`, ...more, ...weight], width - 2), '  '));
    }
    lines.push(...bullets(a.reasons, width, '  '), ...indicatorLines(a.indicators, width, '  '));
  }
  if (row.regime && Object.keys(row.regime).length > 0) {
    lines.push({ text: '' }, { text: 'market regime', bold: true });
    for (const r of regimeReadings(row.regime)) {
      lines.push({ text: fit(`  ${r.reading}`, width) });
      if (r.verdict) lines.push(...indented(wrap(r.verdict, width - 4), '    ', { dim: true }));
    }
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
