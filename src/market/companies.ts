// The names a headline may call each bundled company by, besides its ticker.

/**
 * Company names and aliases (a former name, a common short form), matched as whole words with the case written here
 * or in capitals: "Meta" but not "metaverse", "Intel" but not "intelligence".
 */
export const COMPANY_NAMES: Readonly<Record<string, readonly string[]>> = {
  AAPL: ['Apple'],
  AMD: ['Advanced Micro Devices'],
  AMZN: ['Amazon'],
  AVGO: ['Broadcom'],
  BAC: ['Bank of America', 'BofA'],
  'BRK-B': ['Berkshire Hathaway', 'Berkshire'],
  COST: ['Costco'],
  CVX: ['Chevron'],
  DIS: ['Disney'],
  GOOGL: ['Alphabet', 'Google'],
  HD: ['Home Depot'],
  INTC: ['Intel'],
  JNJ: ['Johnson & Johnson', 'J&J'],
  JPM: ['JPMorgan', 'JP Morgan', 'J.P. Morgan'],
  KO: ['Coca-Cola', 'Coca Cola'],
  LLY: ['Eli Lilly', 'Lilly'],
  MA: ['Mastercard', 'MasterCard'],
  META: ['Meta', 'Meta Platforms', 'Facebook'],
  MSFT: ['Microsoft'],
  NFLX: ['Netflix'],
  NVDA: ['Nvidia', 'NVidia'],
  ORCL: ['Oracle'],
  PEP: ['PepsiCo', 'Pepsi'],
  PG: ['Procter & Gamble', 'P&G'],
  SPY: ['SPDR S&P 500'],
  TSLA: ['Tesla'],
  UNH: ['UnitedHealth', 'United Health'],
  V: ['Visa'],
  WMT: ['Walmart', 'Wal-Mart'],
  XOM: ['Exxon', 'ExxonMobil'],
};
