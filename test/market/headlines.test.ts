// Headlines count for a symbol only when they are about it, each story once: pinned on the bundled headlines that got it wrong.
import { describe, expect, it } from 'vitest';
import { headlinesAbout, isAbout, storyKey } from '../../src/market/headlines.js';
import { closeOf } from '../../src/market/publication.js';
import { NEWS_DAYS, snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import type { Headline } from '../../src/market/types.js';

const store = new MarketStore();

/** Every bundled headline of `symbol` in the news window ending at `asOf`, as the data holds them. */
function rawWindow(symbol: string, asOf: string): Headline[] {
  const from = new Date(Date.parse(asOf) - NEWS_DAYS * 86_400_000).toISOString();
  return store
    .headlines(symbol)
    .slice()
    .filter((h) => h.published > from && h.published <= asOf);
}

const titles = (headlines: Headline[]) => headlines.map((h) => h.title);

describe("a symbol's headlines in its snapshot", () => {
  it("leave out an AMD headline that NVDA's news holds twice", () => {
    const asOf = closeOf('2022-06-09');
    const amd = 'Why Bank of America Expects 50% Upside for AMD - TheStreet';
    expect(titles(rawWindow('NVDA', asOf)).filter((t) => t === amd)).toHaveLength(2);
    const { headlines } = snapshotAt(store, 'NVDA', asOf);
    expect(titles(headlines)).not.toContain(amd);
    expect(headlines.length).toBeGreaterThan(0);
    expect(headlines.every((h) => /nvidia/i.test(h.title))).toBe(true);
  });

  it('count a story about NVDA that the data holds twice once', () => {
    const asOf = closeOf('2022-06-24');
    const story = 'Crypto Crash May Spell Trouble for Graphics Card Makers AMD, NVIDIA - Investopedia';
    expect(titles(rawWindow('NVDA', asOf)).filter((t) => t === story)).toHaveLength(2);
    const { headlines } = snapshotAt(store, 'NVDA', asOf);
    expect(titles(headlines).filter((t) => t === story)).toHaveLength(1);
    expect(new Set(headlines.map(storyKey)).size).toBe(headlines.length);
  });

  it("leave out a headphone market report that lists Apple among the companies it profiles, and keep AAPL's own news", () => {
    const asOf = closeOf('2025-10-08');
    const report = /^Saudi Arabia Wireless Headphones Market Competition & Forecast Report 2025, with Profiles of Apple/;
    expect(titles(rawWindow('AAPL', asOf)).some((t) => report.test(t))).toBe(true);
    const { headlines } = snapshotAt(store, 'AAPL', asOf);
    expect(titles(headlines).some((t) => report.test(t))).toBe(false);
    expect(titles(headlines)).toContain('Should You Buy Apple Stock Before Oct. 30?');
  });

  it('hold no story twice and nothing not about the symbol, in any window of the bundled news', () => {
    for (const symbol of ['AAPL', 'JPM', 'META', 'NVDA']) {
      const days = [
        ...new Set(
          store
            .headlines(symbol)
            .slice()
            .map((h) => h.published.slice(0, 10)),
        ),
      ];
      for (const day of days.filter((_, i) => i % 25 === 0)) {
        const { headlines } = snapshotAt(store, symbol, closeOf(day));
        expect(headlines.every((h) => isAbout(symbol, h.title))).toBe(true);
        expect(new Set(headlines.map(storyKey)).size).toBe(headlines.length);
      }
    }
  });
});

describe('isAbout', () => {
  it('takes the company name or an alias as a whole word, in its case or in capitals', () => {
    expect(isAbout('AAPL', 'Apple, Koss settle wireless-headphone patent fight before trial - Reuters')).toBe(true);
    expect(isAbout('AAPL', "APPLE'S NEW IPHONE SELLS OUT")).toBe(true);
    expect(isAbout('AAPL', 'Pineapple prices soar')).toBe(false);
    expect(isAbout('META', 'Facebook parent company Meta is coming to Durham')).toBe(true);
    expect(isAbout('META', 'What Can You Actually Do in the Metaverse? - VICE')).toBe(false);
    expect(isAbout('INTC', 'Artificial Intelligence stocks to watch')).toBe(false);
    expect(isAbout('JPM', 'J.P. Morgan raises its outlook')).toBe(true);
  });

  it('takes a ticker bare when it has three letters or more, and a short or word-like one only as a cashtag or after an exchange', () => {
    expect(isAbout('NVDA', 'NVDA slides in pre-market trading')).toBe(true);
    expect(isAbout('V', 'V shaped recovery ahead')).toBe(false);
    expect(isAbout('V', '$V beats estimates')).toBe(true);
    expect(isAbout('V', 'Visa Inc (NYSE:V) raises dividend')).toBe(true);
    expect(isAbout('COST', 'The rising COST of living')).toBe(false);
    expect(isAbout('COST', 'Costco (NASDAQ: COST) sales climb')).toBe(true);
    expect(isAbout('BRK-B', 'BRK.B hits a record')).toBe(true);
  });

  it('leaves out industry reports that merely list the company', () => {
    expect(isAbout('AAPL', 'Online Gaming Market Forecast Report and Company Analysis 2025-2033 Featuring Activision Blizzard, Apple, Capcom')).toBe(
      false,
    );
    expect(isAbout('AAPL', 'New iPhone SE Could Help Apple Grab Bigger Market Share In China, India, Research Firm Says')).toBe(true);
  });
});

describe('headlinesAbout', () => {
  const at = (title: string, source = 'google_news_rss'): Headline => ({ published: '2022-01-03T23:59:59.999Z', title, source });

  it('keeps the first telling of a story relayed under two publishers, and stories that differ', () => {
    const kept = headlinesAbout('AAPL', [
      at("Apple's M1 Ultra chip is a problem for Intel - Yahoo Finance"),
      at("Apple's M1 Ultra chip is a problem for Intel - Yahoo Finance Australia"),
      at('Apple sales rise - Reuters'),
      at('Apple - the next big thing', 'massive'),
      at('Apple - the last big thing', 'massive'),
    ]);
    expect(titles(kept)).toEqual([
      "Apple's M1 Ultra chip is a problem for Intel - Yahoo Finance",
      'Apple sales rise - Reuters',
      'Apple - the next big thing',
      'Apple - the last big thing',
    ]);
  });
});
