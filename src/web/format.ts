// Numbers, times and durations as the page writes them.

/** A price to the cent. */
export const price = (x: number | undefined): string => (x === undefined ? '–' : x.toFixed(2));

/** A fraction as a signed percentage: 0.0123 is +1.23%. */
export const signedPercent = (x: number | undefined): string => (x === undefined ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`);

/** A probability or share as a percentage with no decimals: 0.553 is 55%. */
export const percent = (x: number | undefined): string => (x === undefined ? '–' : `${Math.round(x * 100)}%`);

const NEW_YORK = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** A market time in New York, as the exchange keeps it: `2025-07-08 15:02`. */
export function marketTime(ms: number): string {
  const parts = Object.fromEntries(NEW_YORK.formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** A duration, to its largest unit: `45s`, `12m`, `3h`, `2d`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}
