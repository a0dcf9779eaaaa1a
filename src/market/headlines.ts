// Which headlines are about a symbol, each story counted once: the headlines an analysis of that symbol may weigh.
import { COMPANY_NAMES } from './companies.js';
import type { Headline } from './types.js';

/** Tickers that are also English words count only as a cashtag ($COST) or after an exchange (NASDAQ:COST). */
const WORD_TICKERS = new Set(['COST']);

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A headline of an industry report ("... Market Forecast Report 2025-2033, Featuring Apple, Bose, ..."): about its industry, not the companies it lists. */
function isIndustryReport(title: string): boolean {
  return (
    /\b(market|industry)\b/i.test(title) &&
    /\b(report|forecasts?|outlook|analysis|study)\b/i.test(title) &&
    /\b20\d\d\s*[-–]\s*(20)?\d\d\b|\bCAGR\b|\bprofiles? of\b|\bfeaturing\b|\bkey (players|companies|vendors)\b|\bcompany analysis\b|\bcompetitive landscape\b/i.test(
      title,
    )
  );
}

const mentions = new Map<string, RegExp>();

/** Whether a title names the symbol: its company name or an alias (companies.ts), or its ticker. */
function mentionPattern(symbol: string): RegExp {
  let pattern = mentions.get(symbol);
  if (!pattern) {
    const names = (COMPANY_NAMES[symbol] ?? []).flatMap((n) => [n, n.toUpperCase()]).map(escape);
    // BRK-B is also written BRK.B and BRK/B.
    const ticker = escape(symbol).replace(/\\?-/g, '[-./]');
    const tagged = [`\\$${ticker}`, `\\b(?:NYSE|NASDAQ|Nasdaq|NYSEARCA|AMEX)\\s*:\\s*${ticker}`];
    const bare = symbol.length >= 3 && !WORD_TICKERS.has(symbol) ? [ticker] : [];
    pattern = new RegExp(`(?<![A-Za-z0-9])(?:${[...names, ...tagged, ...bare].join('|')})(?![A-Za-z0-9])`);
    mentions.set(symbol, pattern);
  }
  return pattern;
}

/**
 * Whether a headline is about `symbol`: it names the company or its ticker, and it is not an industry report that
 * merely lists the company among others.
 * @example isAbout('NVDA', 'Why Bank of America Expects 50% Upside for AMD') // false
 */
export function isAbout(symbol: string, title: string): boolean {
  return mentionPattern(symbol).test(title) && !isIndustryReport(title);
}

/** Sources whose titles end in " - Publisher", which Google News appends to every headline it relays. */
const PUBLISHER_SUFFIXED = new Set(['google_news_rss']);

/**
 * The story a headline tells, for finding the same story twice: its words in lower case, without the publisher an
 * aggregator appended (so one story relayed under two publishers' names is one story).
 */
export function storyKey({ title, source }: Headline): string {
  return (PUBLISHER_SUFFIXED.has(source) ? title.replace(/\s+-\s+[^-]+$/, '') : title)
    .toLowerCase()
    .replace(/[^a-z0-9%$]+/g, ' ')
    .trim();
}

/** The headlines about `symbol`, each story once (its first telling), in their order. */
export function headlinesAbout(symbol: string, headlines: readonly Headline[]): Headline[] {
  const seen = new Set<string>();
  return headlines.filter((h) => {
    if (!isAbout(symbol, h.title)) return false;
    const key = storyKey(h);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
