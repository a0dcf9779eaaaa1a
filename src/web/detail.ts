// The detail panel: the selected symbol's latest analysis with every agent's vote, reasons and evidence, the market regime, and the publications the page holds.
import type { EvidenceData, RegimeData } from '../protocol/messages.js';
import { marketTime, percent, price } from './format.js';
import { actionOf, coverage, publications, publicationTime, type Publication, type SymbolData } from './model.js';

type Child = Node | string;

/** An element with text children only: nothing from the server is ever parsed as HTML. */
function el(tag: string, className: string, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  if (className) e.className = className;
  e.append(...children);
  return e;
}

function table(head: string[], rows: Child[][]): HTMLElement {
  const t = el('table', '', el('thead', '', el('tr', '', ...head.map((h) => el('th', '', h)))));
  t.append(el('tbody', '', ...rows.map((cells) => el('tr', '', ...cells.map((c) => el('td', '', c))))));
  return t;
}

const list = (items: string[]) => el('ul', '', ...items.map((i) => el('li', '', i)));

interface AgentVote {
  name: string;
  signal: string;
  confidence: number;
  reasoning?: string[] | undefined;
  evidence?: EvidenceData | undefined;
}

function agentsOf(p: Publication): AgentVote[] {
  if (p.type === 'signal_update') return Object.values(p.data.agents_consensus.agent_details);
  return p.data.decision.action === 'NO_SIGNAL' ? Object.values(p.data.decision.agent_summary) : [];
}

/** Each reading of the regime: its state and value, its score (risk-on positive) and its own record as market timing. */
function regimeList(regime: RegimeData): HTMLElement {
  return el(
    'ul',
    '',
    ...Object.entries(regime).map(([name, r]) =>
      el(
        'li',
        '',
        el('b', '', `${name} ${r.state}`),
        ` · ${r.label} ${r.value} · score ${r.score.toFixed(2)}`,
        ...(r.evidence ? [el('div', 'muted', r.evidence.label)] : []),
      ),
    ),
  );
}

function headline(p: Publication): HTMLElement {
  const action = actionOf(p);
  const parts: Child[] = [`${p.data.symbol} `, el('span', action, action === 'NO_SIGNAL' ? 'NO SIGNAL' : action)];
  if (p.type === 'signal_update') parts.push(` ${percent(p.data.confidence)} · ${p.data.agents_consensus.consensus_strength}`);
  parts.push(el('span', 'muted', ` · as of ${marketTime(publicationTime(p))} · ${p.data.trigger ?? ''} · #${p.data.seq ?? '?'}`));
  return el('h2', '', ...parts);
}

/** What the panel says about a publication: its call, levels, reasons and evidence, then each agent. */
function analysis(p: Publication): HTMLElement[] {
  const out: HTMLElement[] = [headline(p)];
  if (p.type === 'signal_update') {
    const m = p.data.metadata;
    out.push(
      el(
        'p',
        '',
        `price ${price(p.data.price)}`,
        m.target_price === undefined ? '' : ` · target ${price(m.target_price)} · stop ${price(m.stop_loss)}`,
      ),
    );
    if (p.data.evidence) out.push(el('p', 'muted', p.data.evidence.label));
    out.push(list(m.reasoning));
  } else if (p.data.decision.action === 'NO_SIGNAL') out.push(el('p', '', p.data.decision.reason));
  else out.push(el('p', 'error', `${p.data.decision.code ?? 'ERROR'}: ${p.data.decision.error}`));
  const agents = agentsOf(p);
  if (agents.length > 0) {
    out.push(el('h3', '', 'Agents'));
    for (const a of agents) {
      const weight = a.evidence?.weight === undefined ? '' : ` · weight ${a.evidence.weight.toFixed(3)}`;
      out.push(
        el(
          'div',
          'agent',
          el('p', '', el('b', '', a.name), ' ', el('span', a.signal, a.signal), ` ${percent(a.confidence)}${weight}`),
          ...(a.evidence ? [el('p', 'muted', a.evidence.label)] : []),
          list(a.reasoning ?? []),
        ),
      );
    }
  }
  const regime = p.data.regime;
  if (regime) out.push(el('h3', '', 'Market regime'), regimeList(regime));
  return out;
}

/** The seqs the page holds, and whether any are missing between them: recovery on reconnect keeps them whole. */
function received(data: SymbolData): HTMLElement[] {
  const c = coverage(data);
  if (!c) return [el('p', 'muted', 'No publications yet.')];
  const gaps = c.gaps.map((g) => (g.from === g.to ? `#${g.from}` : `#${g.from}–#${g.to}`));
  const epoch = data.epoch ? ` of log ${data.epoch.slice(0, 8)}` : '';
  const summary = el(
    'p',
    gaps.length > 0 ? 'error' : 'muted',
    `Received #${c.first}–#${c.last}${epoch}: ${gaps.length > 0 ? `missing ${gaps.join(', ')}` : 'none missing'}.`,
  );
  summary.id = 'coverage';
  const recent = publications(data).slice(-8).reverse();
  return [
    summary,
    table(
      ['#', 'As of', 'Call', 'Conf', 'Trigger'],
      recent.map((p) => {
        const action = actionOf(p);
        return [
          String(p.data.seq ?? ''),
          marketTime(publicationTime(p)),
          el('span', action, action),
          p.type === 'signal_update' ? percent(p.data.confidence) : '',
          p.data.trigger ?? '',
        ];
      }),
    ),
  ];
}

/** Replaces the panel's content with the symbol's latest analysis and its publications. */
export function renderDetail(panel: HTMLElement, symbol: string | undefined, latest: Publication | undefined, data: SymbolData | undefined): void {
  const content: HTMLElement[] = [];
  if (!symbol) content.push(el('p', 'muted', 'No symbol selected.'));
  else if (!latest) content.push(el('h2', '', symbol), el('p', 'muted', 'No analysis published yet.'));
  else content.push(...analysis(latest));
  if (data) content.push(el('h3', '', 'Publications'), ...received(data));
  panel.replaceChildren(...content);
}
