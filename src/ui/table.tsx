// The symbols table: the columns that fit, scrolled to keep the selection in view, dimmed with their age while stale.
import { Text } from 'ink';
import { age, fit, right, signed, sparkline } from './format.js';
import type { Column, ColumnId } from './layout.js';
import type { SortKey, SymbolRow } from './model.js';

export const ACTION_COLOR: Record<string, string> = { BUY: 'green', SELL: 'red', HOLD: 'yellow' };

const SORTED_COLUMN: Partial<Record<SortKey, ColumnId>> = { change: 'change', action: 'action', confidence: 'conf', symbol: 'symbol' };

interface Cell {
  text: string;
  color?: string | undefined;
  bold?: boolean;
}

function cell(row: SymbolRow, column: Column, selected: boolean, stale: boolean, now: number, ranks: ReadonlyMap<string, string>): Cell {
  switch (column.id) {
    case 'symbol':
      return { text: `${selected ? '›' : row.unseen ? '!' : ' '}${row.symbol}` };
    case 'price':
      return { text: row.price?.toFixed(2) ?? '—' };
    case 'change': {
      if (row.changePercent === undefined) return { text: '' };
      const change = signed(row.changePercent);
      return { text: change.text, color: change.sign > 0 ? 'green' : change.sign < 0 ? 'red' : undefined };
    }
    case 'trend':
      return { text: sparkline(row.prices, column.width) };
    case 'action': {
      const action = row.action ?? '—';
      return { text: action, color: ACTION_COLOR[action], bold: action in ACTION_COLOR };
    }
    case 'conf':
      return { text: row.confidence?.toFixed(2) ?? '' };
    case 'rank':
      return { text: ranks.get(row.symbol) ?? '' };
    case 'edge':
      return row.evidence === undefined ? { text: '' } : row.evidence.edge ? { text: '✓', color: 'green' } : { text: '-' };
    case 'strength':
      return { text: row.strength ?? '' };
    case 'age':
      return { text: stale && row.updatedAt !== undefined ? age(now - row.updatedAt) : '' };
    case 'trigger': {
      const time = column.width > 11 && row.signalTime ? ` ${row.signalTime.slice(5, 16).replace('T', ' ')}` : '';
      return { text: row.trigger ? `${row.trigger}${time}` : '' };
    }
  }
}

const pad = (text: string, column: Column) => (column.align === 'right' ? right(text, column.width) : fit(text, column.width));

export interface TableProps {
  rows: SymbolRow[];
  selected: string | undefined;
  columns: Column[];
  /** Row lines available. */
  height: number;
  sort: SortKey;
  descending: boolean;
  colors: boolean;
  stale: boolean;
  now: number;
  emptyText: string;
  /** Each symbol's RANK text (`12/498`), for those the ranking holds. */
  ranks?: ReadonlyMap<string, string>;
}

export function Table({ rows, selected, columns, height, sort, descending, colors, stale, now, emptyText, ranks = new Map() }: TableProps) {
  const sorted = SORTED_COLUMN[sort];
  const at = Math.max(
    0,
    rows.findIndex((r) => r.symbol === selected),
  );
  // Rows that do not fit are counted on the last line rather than left out unsaid.
  const room = rows.length > height ? Math.max(1, height - 1) : height;
  const start = Math.max(0, Math.min(rows.length - room, at - Math.floor((room - 1) / 2)));
  const shown = rows.slice(start, start + room);
  const above = start;
  const below = rows.length - start - shown.length;
  return (
    <>
      <Text bold wrap="truncate">
        {columns
          .map((c) => {
            const mark = c.id === sorted ? (descending ? '▲' : '▼') : '';
            return pad(c.align === 'right' ? `${mark}${c.title}` : `${c.title}${mark}`, c);
          })
          .join(' ')}
      </Text>
      {shown.map((row) => {
        const isSelected = row.symbol === selected;
        return (
          <Text key={row.symbol} inverse={isSelected} dimColor={stale} wrap="truncate">
            {columns.map((c, i) => {
              const value = cell(row, c, isSelected, stale, now, ranks);
              return (
                <Text key={c.id}>
                  {i > 0 ? ' ' : ''}
                  <Text color={colors ? value.color : undefined} bold={value.bold ?? false}>
                    {pad(value.text, c)}
                  </Text>
                </Text>
              );
            })}
          </Text>
        );
      })}
      {rows.length === 0 && height > 0 && <Text dimColor>{emptyText}</Text>}
      {above + below > 0 && height > 1 && (
        <Text dimColor wrap="truncate">
          {` +${above + below} more (${[above > 0 && `${above} above`, below > 0 && `${below} below`].filter(Boolean).join(', ')}; ↑/↓ scrolls)`}
        </Text>
      )}
    </>
  );
}
