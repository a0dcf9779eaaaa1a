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
