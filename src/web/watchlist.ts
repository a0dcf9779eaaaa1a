// The watchlist table: one row per watched symbol with its price, change, call, confidence, evidence and, when not live, the age of its quote.
import { duration, percent, price, signedPercent } from './format.js';
import { actionOf, quoteAge, visibleRows, type Model, type Row } from './model.js';

/** The consensus's verdict in a few words (the full label is the cell's title): `edge: none demonstrated`. */
function evidenceOf(row: Row): { short: string; full: string } {
  const p = row.latest;
  if (!p) return { short: '', full: '' };
  if (p.type === 'decision_update') {
    const d = p.data.decision;
    const text = d.action === 'NO_SIGNAL' ? d.reason : d.error;
    return { short: d.action === 'NO_SIGNAL' ? 'no quorum' : 'failed', full: text };
  }
  const label = p.data.evidence?.label ?? '';
  return { short: label.split(' (')[0] ?? label, full: label };
}

function cell(tr: HTMLTableRowElement, index: number, text: string, className = '', title = ''): void {
  const td = tr.cells[index]!;
  if (td.textContent !== text) td.textContent = text;
  if (td.className !== className) td.className = className;
  if (td.title !== title) td.title = title;
}

/** Draws the table from the model, reusing each symbol's row element; a click selects. */
export class Watchlist {
  private readonly rows = new Map<string, HTMLTableRowElement>();

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly select: (symbol: string) => void,
  ) {}

  render(model: Model, now: number): void {
    const visible = visibleRows(model);
    const wanted = new Set(visible.map((r) => r.symbol));
    for (const [symbol, tr] of this.rows) {
      if (!wanted.has(symbol)) {
        tr.remove();
        this.rows.delete(symbol);
      }
    }
    visible.forEach((row, i) => {
      const tr = this.rows.get(row.symbol) ?? this.create(row.symbol);
      if (this.body.rows[i] !== tr) this.body.insertBefore(tr, this.body.rows[i] ?? null);
      const selected = row.symbol === model.selected;
      tr.setAttribute('aria-selected', String(selected));
      tr.tabIndex = selected ? 0 : -1;
      const action = row.latest ? actionOf(row.latest) : '';
      const confidence = row.latest?.type === 'signal_update' ? percent(row.latest.data.confidence) : '';
      const change = row.changePercent;
      const age = quoteAge(model, row, now);
      const evidence = evidenceOf(row);
      cell(tr, 0, row.symbol);
      cell(tr, 1, price(row.price), 'num');
      cell(tr, 2, signedPercent(change === undefined ? undefined : change / 100), `num ${change === undefined ? '' : change >= 0 ? 'up' : 'down'}`);
      cell(tr, 3, action === 'NO_SIGNAL' ? 'NO SIGNAL' : action, action);
      cell(tr, 4, confidence, 'num');
      cell(tr, 5, evidence.short, 'wide', evidence.full);
      cell(tr, 6, age === undefined ? '' : duration(age), 'num', age === undefined ? '' : 'how old this quote is: the feed is not live');
      tr.classList.toggle('stale', age !== undefined);
    });
  }

  private create(symbol: string): HTMLTableRowElement {
    const tr = document.createElement('tr');
    tr.dataset.symbol = symbol;
    for (let i = 0; i < 7; i++) tr.insertCell();
    tr.addEventListener('click', () => this.select(symbol));
    this.rows.set(symbol, tr);
    return tr;
  }
}
