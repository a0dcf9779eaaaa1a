// Inline SVG charts for the backtest report: lines over dates (equity, drawdown) and a calibration scatter; no scripts, no fonts to fetch.

export interface Line {
  label: string;
  color: string;
  dates: readonly string[];
  values: readonly number[];
}

export const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

/** At most `max` points of a series, evenly spaced, always keeping the last: enough for a chart a few hundred pixels wide. */
function thin<T>(items: readonly T[], max: number): { item: T; index: number }[] {
  const step = Math.max(1, Math.ceil(items.length / max));
  const out: { item: T; index: number }[] = [];
  for (let i = 0; i < items.length; i += step) out.push({ item: items[i]!, index: i });
  if (items.length > 0 && out.at(-1)!.index !== items.length - 1) out.push({ item: items.at(-1)!, index: items.length - 1 });
  return out;
}

/** Round tick values between lo and hi, about `count` of them. */
function ticks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step);
  return out;
}

const toTime = (date: string) => Date.parse(`${date}T00:00:00Z`);

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface DateTick {
  t: number;
  label: string;
}

/**
 * The labels of a date axis from `t0` to `t1` (epoch ms), at most `max` of them: the first of every month, quarter, half
 * year, year or several years, whichever is the finest that fits. A year's first month is labelled with the year, any
 * other with its name, the first label with its year too; a span with fewer than two month starts is labelled at its
 * two ends.
 * @example dateTicks(Date.UTC(2022, 4, 2), Date.UTC(2022, 7, 31), 8).map((t) => t.label) // ['Jun 2022', 'Jul', 'Aug']
 */
export function dateTicks(t0: number, t1: number, max: number): DateTick[] {
  const start = new Date(t0);
  const firstMonth = start.getUTCFullYear() * 12 + start.getUTCMonth() + 1;
  for (const months of [1, 3, 6, 12, 24, 60, 120]) {
    const ticks: DateTick[] = [];
    for (let m = firstMonth; ; m++) {
      const t = Date.UTC(Math.floor(m / 12), m % 12, 1);
      if (t >= t1) break;
      if (m % months !== 0) continue;
      const year = Math.floor(m / 12);
      const label = m % 12 === 0 ? String(year) : ticks.length === 0 ? `${MONTHS[m % 12]} ${year}` : MONTHS[m % 12]!;
      ticks.push({ t, label });
    }
    if (ticks.length <= max) {
      if (months === 1 && ticks.length < 2) break;
      return ticks;
    }
  }
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return [
    { t: t0, label: day(t0) },
    { t: t1, label: day(t1) },
  ];
}

/**
 * Lines over time on shared axes, with a legend. `format` writes a y value for its axis label.
 * @example lineChart([{ label: 'strategy', color: '#1f77b4', dates, values }], { title: 'Equity', format: (v) => v.toFixed(1) })
 */
export function lineChart(
  lines: readonly Line[],
  options: { title: string; format: (v: number) => string; width?: number; height?: number; invert?: boolean },
): string {
  const width = options.width ?? 720;
  const height = options.height ?? 260;
  const pad = { left: 56, right: 12, top: 28, bottom: 28 };
  const all = lines.flatMap((l) => l.values);
  const times = lines.flatMap((l) => l.dates.map(toTime));
  if (all.length === 0) return `<p class="empty">${escapeHtml(options.title)}: no data</p>`;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) [lo, hi] = [lo - 1, hi + 1];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (t: number) => pad.left + ((t - t0) / Math.max(1, t1 - t0)) * (width - pad.left - pad.right);
  const y = (v: number) => {
    const f = (v - lo) / (hi - lo);
    return pad.top + (options.invert ? f : 1 - f) * (height - pad.top - pad.bottom);
  };
  const grid = ticks(lo, hi, 4)
    .map(
      (v) =>
        `<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/><text x="${pad.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(options.format(v))}</text>`,
    )
    .join('');
  // About 70 px a label, so that `Mar 2024` never meets its neighbour; the ends' labels align inwards.
  const years = dateTicks(t0, t1, Math.max(2, Math.floor((width - pad.left - pad.right) / 70))).map(({ t, label }) => {
    const anchor = t === t0 ? 'start' : t === t1 ? 'end' : 'middle';
    return `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${height - pad.bottom}" y2="${height - pad.bottom + 4}" class="grid"/><text x="${x(t).toFixed(1)}" y="${height - 8}" text-anchor="${anchor}">${escapeHtml(label)}</text>`;
  });
  const paths = lines
    .map((l) => {
      const points = thin(l.values, 500).map(({ item, index }) => `${x(toTime(l.dates[index]!)).toFixed(1)},${y(item).toFixed(1)}`);
      return `<polyline fill="none" stroke="${l.color}" stroke-width="1.5" points="${points.join(' ')}"><title>${escapeHtml(l.label)}</title></polyline>`;
    })
    .join('');
  // Each entry as wide as its label (about 6.5 px a character at 11 px) plus its swatch and a gap.
  let at = pad.left;
  const legend = lines
    .map((l) => {
      const entry = `<rect x="${at}" y="8" width="12" height="3" fill="${l.color}"/><text x="${at + 16}" y="13">${escapeHtml(l.label)}</text>`;
      at += 16 + Math.ceil(l.label.length * 6.5) + 24;
      return entry;
    })
    .join('');
  return `<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(options.title)}"><title>${escapeHtml(options.title)}</title>${grid}${years.join('')}${paths}${legend}</svg>`;
}

export interface CalibrationPoint {
  label: string;
  color: string;
  /** Mean confidence and realised hit rate of one bucket, and its number of calls. */
  points: readonly { confidence: number; hitRate: number; count: number }[];
}

/** Realised hit rate against stated confidence, one dot per bucket (area by calls), with the diagonal of perfect calibration. */
export function calibrationChart(series: readonly CalibrationPoint[], title: string, size = 320): string {
  const pad = 40;
  const inner = size - 2 * pad;
  const x = (c: number) => pad + c * inner;
  const y = (h: number) => size - pad - h * inner;
  const maxCount = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.count)));
  const axis = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<line x1="${x(0)}" x2="${x(1)}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${pad - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text><text x="${x(v)}" y="${size - pad + 16}" text-anchor="middle">${v}</text>`,
    )
    .join('');
  const dots = series
    .flatMap((s) =>
      s.points.map(
        (p) =>
          `<circle cx="${x(p.confidence).toFixed(1)}" cy="${y(p.hitRate).toFixed(1)}" r="${(3 + 9 * Math.sqrt(p.count / maxCount)).toFixed(1)}" fill="${s.color}" fill-opacity="0.6"><title>${escapeHtml(`${s.label}: confidence ${p.confidence.toFixed(2)}, hit rate ${p.hitRate.toFixed(2)}, ${p.count} calls`)}</title></circle>`,
      ),
    )
    .join('');
  const legend = series
    .map(
      (s, i) =>
        `<circle cx="${size + 10}" cy="${pad + i * 18}" r="5" fill="${s.color}"/><text x="${size + 20}" y="${pad + 4 + i * 18}">${escapeHtml(s.label)}</text>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${size + 140} ${size}" width="${size + 140}" height="${size}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>${axis}<line x1="${x(0)}" y1="${y(0)}" x2="${x(1)}" y2="${y(1)}" class="diagonal"/><text x="${size / 2}" y="${size - 6}" text-anchor="middle">confidence</text><text x="12" y="${size / 2}" transform="rotate(-90 12 ${size / 2})" text-anchor="middle">hit rate</text>${dots}${legend}</svg>`;
}
