// FRED's series observations with their real-time periods: each macro value as first released, and when.
import { z } from 'zod';
import { closeOf } from '../market/publication.js';
import type { MacroSeries, Observation } from '../market/types.js';
import { SignalsError } from '../protocol/errors.js';
import { getJson, type HttpOptions } from './http.js';

/** FRED's id of each series the agents read (the bundled VIX is CBOE's daily close, FRED's VIXCLS). */
export const FRED_IDS: Record<MacroSeries, string> = {
  T10Y2Y: 'T10Y2Y',
  FEDFUNDS: 'FEDFUNDS',
  CPIAUCSL: 'CPIAUCSL',
  UNRATE: 'UNRATE',
  GDPC1: 'GDPC1',
  VIX: 'VIXCLS',
};

/** `GET /fred/series/observations`: each observation with the real-time period its value held in; "." is a missing value. */
export const ObservationsResponse = z.object({
  observations: z.array(z.object({ realtime_start: z.string(), realtime_end: z.string(), date: z.string(), value: z.string() })),
});

/** An observation and when it was first released (ISO). */
export type Release = Observation & { published: string };

const FredError = z.object({ error_code: z.number(), error_message: z.string() });

export interface FredOptions {
  baseUrl: string;
  apiKey: string;
  http?: Omit<HttpOptions, 'provider'>;
}

/** Years of observations fetched: enough for every window the economic agent reads. */
const YEARS = 4;

export class Fred {
  constructor(private readonly options: FredOptions) {}

  /**
   * Each observation's first release (`output_type=4` over all real-time periods), with `published` at the close
   * of its release day (FRED dates a release, not its hour). Publication never goes backwards along the series,
   * so that the last observation out at a time is found by binary search.
   */
  async observations(series: MacroSeries, asOf: string): Promise<Release[]> {
    const url = new URL('/fred/series/observations', this.options.baseUrl);
    const start = `${Number(asOf.slice(0, 4)) - YEARS}${asOf.slice(4, 10)}`;
    const params = {
      series_id: FRED_IDS[series],
      api_key: this.options.apiKey,
      file_type: 'json',
      realtime_start: '1776-07-04',
      realtime_end: '9999-12-31',
      output_type: '4',
      observation_start: start,
    };
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    // FRED answers a bad request (a bad key among them) with 400 and a JSON error_message.
    const { body } = await getJson(url, z.union([ObservationsResponse, FredError]), { provider: 'fred', accept: [400], ...this.options.http });
    if ('error_message' in body) {
      const code = /api_key/i.test(body.error_message) ? 'PROVIDER_AUTH_FAILED' : 'PROVIDER_UNAVAILABLE';
      throw new SignalsError(code, `fred refused the request for ${FRED_IDS[series]}: ${body.error_message}`);
    }
    const out: Release[] = [];
    let latest = '';
    for (const o of body.observations) {
      const value = Number(o.value);
      if (o.value === '.' || !Number.isFinite(value)) continue;
      const published = closeOf(o.realtime_start);
      latest = published > latest ? published : latest;
      out.push({ date: o.date, value, published: latest });
    }
    return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }
}
