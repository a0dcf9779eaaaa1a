// A HistorySource whose macro series come from FRED (values as first released, with their release dates), the rest from another source.
import type { HistorySource } from '../market/history.js';
import { MACRO_SERIES, type Bar, type Headline, type MacroSeries, type Observation, type Rows } from '../market/types.js';
import type { DiskCache } from './disk-cache.js';
import type { Fred } from './fred.js';

/** FRED's answers are trusted this long: a release is at most daily. */
const TTL_MS = 6 * 3_600_000;

export class FredHistory implements HistorySource {
  private readonly series = new Map<MacroSeries, Observation[]>();
  /** FRED's release time of each observation, by series and date. */
  private readonly releases = new Map<MacroSeries, Map<string, string>>();

  constructor(
    private readonly inner: HistorySource,
    private readonly fred: Fred,
    private readonly cache: DiskCache,
  ) {}

  symbols(): string[] {
    return this.inner.symbols();
  }

  has(symbol: string): boolean {
    return this.inner.has(symbol);
  }

  barRows(symbol: string): Rows<Bar> {
    return this.inner.barRows(symbol);
  }

  headlines(symbol: string): Rows<Headline> {
    return this.inner.headlines(symbol);
  }

  macro(series: MacroSeries): Rows<Observation> {
    return this.series.get(series) ?? this.inner.macro(series);
  }

  published(series: MacroSeries, date: string): string {
    return this.releases.get(series)?.get(date) ?? this.inner.published(series, date);
  }

  async load(symbol: string, asOf: string): Promise<void> {
    await Promise.all([
      this.inner.load?.(symbol, asOf),
      ...MACRO_SERIES.map(async (series) => {
        // One fetch per series and as-of day: the first releases up to then do not change within it.
        const key = `fred/${series}/${asOf.slice(0, 10)}`;
        const observations = await this.cache.get(key, TTL_MS, () => this.fred.observations(series, asOf));
        this.series.set(series, observations);
        this.releases.set(series, new Map(observations.map((o) => [o.date, o.published])));
      }),
    ]);
  }
}
