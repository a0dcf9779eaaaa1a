// Rebuilds data/ from the shared historical data set; run by maintainers, never at install time.
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

const source = process.argv[2] ?? '../shared/data';
const target = process.argv[3] ?? 'data';

function write(path: string, text: string | Buffer): void {
  mkdirSync(join(target, path, '..'), { recursive: true });
  writeFileSync(join(target, path), gzipSync(text, { level: 9 }));
}

const dailySymbols = readdirSync(join(source, 'daily'))
  .filter((f) => f.endsWith('.csv'))
  .map((f) => f.slice(0, -4));
for (const symbol of dailySymbols) {
  write(`daily/${symbol}.csv.gz`, readFileSync(join(source, 'daily', `${symbol}.csv`)));
}

for (const file of readdirSync(join(source, 'macro/fred'))) {
  write(`macro/${file}.gz`, readFileSync(join(source, 'macro/fred', file)));
}
write('macro/VIX.csv.gz', readFileSync(join(source, 'macro/vix-daily.csv')));

type Headline = { published: string; title: string; source: string };
const headlines = new Map<string, Headline[]>();
const add = (symbol: string, h: Headline) => {
  if (!dailySymbols.includes(symbol)) return;
  const list = headlines.get(symbol) ?? [];
  list.push(h);
  headlines.set(symbol, list);
};
const rows = (path: string) =>
  parse<Record<string, string>>(readFileSync(join(source, path)), { columns: true, skip_empty_lines: true, relax_quotes: true });
for (const row of rows('news/massive_news_with_sentiment.csv')) {
  add(row.ticker!, { published: row.news_time!, title: row.title!.trim(), source: 'massive' });
}
for (const file of readdirSync(join(source, 'news/google_news_rss'))) {
  const symbol = file.replace('_news.csv', '');
  for (const row of rows(`news/google_news_rss/${file}`)) {
    add(symbol, { published: row['published date']!, title: row.title!.trim(), source: 'google_news_rss' });
  }
}
for (const [symbol, list] of headlines) {
  list.sort((a, b) => (a.published < b.published ? -1 : a.published > b.published ? 1 : 0));
  write(`news/${symbol}.jsonl.gz`, list.map((h) => JSON.stringify(h)).join('\n') + '\n');
}

// Minute bars, normalised to `time,open,high,low,close,volume` in US/Eastern, regular session, ascending.
const intraday: [string, string][] = [
  ['SPY', 'intraday/SPY_1min_2025-07-08_2025-07-14.csv'],
  ['AAPL', 'intraday/AAPL_1min_2025-07-28_2025-07-30.csv'],
  ...['AAPL', 'MSFT', 'AMZN', 'TSLA', 'JPM', 'SPY'].map((s): [string, string] => [s, `intraday/2019-02-11_2019-02-15/${s}_1min.csv`]),
];
const minutes = new Map<string, string[]>();
for (const [symbol, path] of intraday) {
  if (!existsSync(join(source, path))) continue;
  const lines = readFileSync(join(source, path), 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const [stamp, open, high, low, close, volume] = line.split(',');
    const time = stamp!.slice(0, 16);
    const clock = time.slice(11);
    if (clock < '09:30' || clock >= '16:00') continue;
    const list = minutes.get(symbol) ?? [];
    list.push([time, open, high, low, close, Math.round(Number(volume))].join(','));
    minutes.set(symbol, list);
  }
}
for (const [symbol, list] of minutes) {
  list.sort();
  write(`intraday/${symbol}.csv.gz`, 'time,open,high,low,close,volume\n' + list.join('\n') + '\n');
}

// Labelled financial-news tweets (MIT): 0 bearish, 1 bullish, 2 neutral -> one JSON line {text, label} each.
const twitterLabels = ['negative', 'positive', 'neutral'];
for (const split of ['train', 'valid']) {
  const labelled = rows(`news/labeled/twitter-financial-news-sentiment/sent_${split}.csv`).map((row) =>
    JSON.stringify({ text: row.text, label: twitterLabels[Number(row.label)] }),
  );
  write(`sentiment/twitter-${split}.jsonl.gz`, labelled.join('\n') + '\n');
}
console.log(`bundled ${dailySymbols.length} symbols, ${headlines.size} with headlines, ${minutes.size} with minute bars`);
