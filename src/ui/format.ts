// Small text helpers for the dashboard: sparklines, bars, padding.

const SPARK = '▁▂▃▄▅▆▇█';

/** A sparkline of the last `width` values scaled between their min and max. */
export function sparkline(values: number[], width: number): string {
  const tail = values.slice(-width);
  if (tail.length === 0) return ''.padEnd(width);
  const min = Math.min(...tail);
  const max = Math.max(...tail);
  const span = max - min || 1;
  return tail
    .map((v) => SPARK[Math.min(7, Math.floor(((v - min) / span) * 8))]!)
    .join('')
    .padEnd(width);
}

/** A confidence bar of `width` cells. */
export function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}

export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text.padEnd(width);
}

export function right(text: string, width: number): string {
  return text.length > width ? text.slice(0, width) : text.padStart(width);
}

export const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A signed change with two decimals; a change that rounds to zero is `0.00`, with no sign (never a red `-0.00`). */
export function signed(value: number): { text: string; sign: -1 | 0 | 1 } {
  const text = value.toFixed(2);
  if (Number(text) === 0) return { text: '0.00', sign: 0 };
  return value > 0 ? { text: `+${text}`, sign: 1 } : { text, sign: -1 };
}

/** How long ago, in the largest whole unit: `45s`, `12m`, `3h`, `2d`. */
export function age(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** Word-wraps text to lines of at most `width` characters; a word longer than a line is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    for (let w = word; w.length > 0; w = w.slice(width)) {
      const piece = w.slice(0, width);
      if (line === '') line = piece;
      else if (line.length + 1 + piece.length <= width) line += ` ${piece}`;
      else {
        lines.push(line);
        line = piece;
      }
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
