// Where a result's prices come from and how old they are: the `data_source` field of `analyze --json`, `rank --json` and the `rank` message.
import * as z from 'zod';

/** Where the prices come from and how old they are by the wall clock (src/market/data-age.ts). */
export const DataSource = z.object({
  source: z.enum(['bundled', 'data-dir', 'yahoo', 'alpaca']).describe('the bundled files, --data-dir files, or a live provider'),
  last_day: z.string().describe("YYYY-MM-DD of the source's newest daily bar for the symbol (a live provider: the newest fetched)"),
  age_days: z.number().int().min(0).describe("calendar days from last_day to the wall clock's date"),
  stale: z.boolean().describe("a trading session has closed since last_day: the data is not today's"),
});
export type DataSource = z.infer<typeof DataSource>;
