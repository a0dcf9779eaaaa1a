// Zod schemas of GET /api/v1/bars/{symbol}: its query and its answer, a symbol's daily bars up to the market clock.
import * as z from 'zod';

/** Bars one answer may hold: four years of sessions. */
export const MAX_BARS_LIMIT = 1_000;
/** Bars an answer holds when the query names no limit: a year of sessions. */
export const DEFAULT_BARS_LIMIT = 250;

const Day = z.iso.date().describe('a trading day, YYYY-MM-DD');

/**
 * The query as it arrives (strings from the URL): `from` and `to` bound the days (both inclusive), `limit` the bars.
 * @example BarsQuery.parse({ from: '2025-01-02', limit: '100' }) // { from: '2025-01-02', limit: 100 }
 */
export const BarsQuery = z.object({
  from: Day.optional(),
  to: Day.optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'a whole number')
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAX_BARS_LIMIT))
    .optional(),
});
export type BarsQuery = z.infer<typeof BarsQuery>;

/** One daily bar; prices adjusted for later splits and dividends, as the analyses and the quotes have them. */
export const DailyBar = z.object({
  date: Day,
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  partial: z.literal(true).optional().describe("the session's bar so far, while it trades: its close is the latest price"),
});
export type DailyBar = z.infer<typeof DailyBar>;

export const BarsPage = z.object({
  symbol: z.string(),
  as_of: z.string().describe('the market clock the bars are known at, ISO-8601 UTC'),
  bars: z.array(DailyBar).max(MAX_BARS_LIMIT).describe('oldest first: the newest `limit` of the days asked for, none after the market clock'),
  next_to: Day.optional().describe('when the limit left earlier days out: the newest of them; ask again with `to` set to it'),
});
export type BarsPage = z.infer<typeof BarsPage>;
