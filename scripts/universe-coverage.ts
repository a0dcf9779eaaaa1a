// Measures the survivorship left in the S&P 500 universe (member-days with prices, per year; members without) and writes docs/universe.md.
//   npm run build && node dist/scripts/universe-coverage.js [docs/universe.md]
import { writeFileSync } from 'node:fs';
import { MarketStore } from '../src/market/store.js';
import { UniverseHistory } from '../src/market/universe-history.js';
import { sp500Universe } from '../src/market/universe.js';

const target = process.argv[2] ?? 'docs/universe.md';
const store = new MarketStore();
const history = new UniverseHistory(store);
const universe = sp500Universe(store.bundledDir);

// Trading days: those of the benchmark's bars, the span every price file shares.
const days = store
  .barRows('SPY')
  .slice()
  .map((b) => b.date);
const first = days[0]!;
const last = days.at(-1)!;
const priced = new Map<string, Set<string>>();
const pricedOn = (symbol: string, day: string) => {
  let dates = priced.get(symbol);
  if (!dates) {
    dates = new Set(
      history.has(symbol)
        ? history
            .barRows(symbol)
            .slice()
            .map((b) => b.date)
        : [],
    );
    priced.set(symbol, dates);
  }
  return dates.has(day);
};

interface Year {
  memberDays: number;
  withPrices: number;
  members: Set<string>;
  missing: Set<string>;
}
const years = new Map<string, Year>();
const missingDays = new Map<string, number>();
for (const day of days) {
  const year = day.slice(0, 4);
  let y = years.get(year);
  if (!y) years.set(year, (y = { memberDays: 0, withPrices: 0, members: new Set(), missing: new Set() }));
  for (const symbol of universe.members(day)) {
    y.memberDays++;
    y.members.add(symbol);
    if (pricedOn(symbol, day)) y.withPrices++;
    else {
      y.missing.add(symbol);
      missingDays.set(symbol, (missingDays.get(symbol) ?? 0) + 1);
    }
  }
}

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)}%`;
const table = [...years].map(
  ([year, y]) => `| ${year} | ${y.memberDays} | ${y.withPrices} | ${pct(y.withPrices, y.memberDays)} | ${y.members.size} | ${y.missing.size} |`,
);
const total = [...years.values()].reduce((t, y) => ({ memberDays: t.memberDays + y.memberDays, withPrices: t.withPrices + y.withPrices }), {
  memberDays: 0,
  withPrices: 0,
});
const stretches = new Map<string, string[]>();
for (const m of universe.memberships()) {
  if (!missingDays.has(m.symbol)) continue;
  const from = m.start < first ? first : m.start;
  const to = m.end === undefined || m.end > last ? 'on' : m.end;
  if (m.end !== undefined && m.end <= first) continue;
  stretches.set(m.symbol, [...(stretches.get(m.symbol) ?? []), `${from}..${to}`]);
}
const missingList = [...missingDays]
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .map(([symbol, n]) => `| ${symbol} | ${n} | ${stretches.get(symbol)?.join(', ') ?? ''} |`);

const doc = `# The S&P 500 universe: membership, prices and the survivorship left

\`--universe sp500\` is the S&P 500 as it was on each day: \`Universe.members(date)\` (src/market/universe.ts) from
\`data/universe/sp500-members.csv.gz\`, bars from the bundled CSVs and \`data/universe/sp500-daily.bin\` through
\`UniverseHistory\` (src/market/universe-history.ts). Origins and licences: data/SOURCES.md.

The prices are those of the members of October 2025 (public end-of-day data keeps only listed symbols): members that
were acquired, went bankrupt or were dropped before then have none, and a member-day counts as priced only when the
member's symbol has a bar that day. Companies that changed ticker are filed under today's ticker (FB as META, UTX as
RTX; the list is \`RENAMES\` in scripts/bundle-universe.ts), whose history covers them. A backtest over the universe
counts a stock only on the days it was a member and had a price; the rest is what it could not count.

Made by \`npm run build && node dist/scripts/universe-coverage.js docs/universe.md\` over the trading days of the
bundled data, ${first} to ${last} (membership itself covers every day of 2005-2025).

## Member-days with prices, per year

| year | member-days | with prices | share | members | members without prices |
| --- | ---: | ---: | ---: | ---: | ---: |
${table.join('\n')}
| all | ${total.memberDays} | ${total.withPrices} | ${pct(total.withPrices, total.memberDays)} | | ${missingDays.size} |

## Members without prices

${missingDays.size} symbols were members on some day of the span and have no bar on at least one of those days,
most member-days first (the stretches are those of membership inside the span; "on" is still a member). Three of
today's members (ZBH, ZBRA, ZTS) are missing from the price snapshot itself; the rest left the index before it.

| symbol | member-days without prices | membership |
| --- | ---: | --- |
${missingList.join('\n')}
`;
writeFileSync(target, doc);
console.log(
  `${pct(total.withPrices, total.memberDays)} of ${total.memberDays} member-days priced; ${missingDays.size} symbols missing; wrote ${target}`,
);
