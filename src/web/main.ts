// The web view's entry: the token (asked for once, kept for the tab), the link to the server, the history and bars APIs, the keyboard, and drawing the model when it changes.
import { HistoryClient } from '../client/history.js';
import type { ServerMessage } from '../protocol/messages.js';
import { BARS_SHOWN, barsAhead, chartData } from './candles.js';
import { Chart } from './chart.js';
import { renderDetail } from './detail.js';
import { duration, marketTime } from './format.js';
import { Link } from './link.js';
import {
  emptyModel,
  marketNow,
  moveSelection,
  notify,
  publications,
  publish,
  receive,
  STALE_MS,
  symbolData,
  visibleRows,
  type LinkState,
} from './model.js';
import { Watchlist } from './watchlist.js';

/** Session storage: the token lives as long as the tab, and never in a URL. */
const TOKEN_KEY = 'signals.token';
/** Publications read from the log when a symbol is first selected: its latest ones, for the chart and the panel. */
const HISTORY_DEPTH = 300;
const MAX_PAGES = 10;
/** The chart is drawn again at most this often while quotes stream in. */
const CHART_MS = 250;

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  app: byId<HTMLElement>('app'),
  login: byId<HTMLFormElement>('login'),
  token: byId<HTMLInputElement>('token'),
  loginError: byId<HTMLElement>('login-error'),
  signOut: byId<HTMLButtonElement>('sign-out'),
  link: byId<HTMLElement>('link'),
  feed: byId<HTMLElement>('feed'),
  clock: byId<HTMLElement>('clock'),
  notice: byId<HTMLElement>('notice'),
  filter: byId<HTMLInputElement>('filter'),
  table: byId<HTMLTableElement>('watchlist'),
  chartTitle: byId<HTMLElement>('chart-title'),
  chartNote: byId<HTMLElement>('chart-note'),
  detail: byId<HTMLElement>('detail'),
};

const model = emptyModel();
const base = new URL('.', location.href).href;
const wsUrl = new URL('ws/signals', location.href);
wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
let token = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
let watching = false;
const loading = new Set<string>();
const loadingBars = new Set<string>();
/** After a failed read of a symbol's bars, when the page may try again (the quotes would otherwise ask several times a second). */
const barsRetryAt = new Map<string, number>();
const BARS_RETRY_MS = 10_000;
const chart = new Chart(byId('chart'));
const watchlist = new Watchlist(ui.table.tBodies[0]!, (symbol) => select(symbol));
let dirty = { detail: true, chart: true };
let frame = 0;
let chartDrawnAt = 0;

const link = new Link(wsUrl.href, token, {
  message: onMessage,
  state: onState,
  notice: (text) => {
    notify(model, text);
    draw();
  },
});

function onState(state: LinkState): void {
  model.link = state;
  if (state.status === 'refused') {
    // Nothing is shown without a valid token; a refused one is forgotten.
    ui.app.hidden = true;
    ui.login.hidden = false;
    ui.loginError.textContent = token === undefined ? '' : `The server refused the token (${state.reason}).`;
    if (token !== undefined) sessionStorage.removeItem(TOKEN_KEY);
    token = undefined;
    ui.token.focus();
  }
  draw();
}

function onMessage(message: ServerMessage): void {
  receive(model, message, Date.now());
  switch (message.type) {
    case 'connected':
      chart.setAgents(message.agents);
      if (model.rows.length === 0) link.send({ type: 'get_status' });
      break;
    case 'status_update':
      // The first status names the watchlist; after a reconnect the link subscribes again by itself.
      if (!watching && model.rows.length > 0) link.subscribe(model.rows.map((r) => r.symbol));
      watching = model.rows.length > 0;
      dirty.detail = true;
      break;
    case 'subscribed':
      if (message.symbol === model.selected) {
        void loadHistory(message.symbol);
        void loadBars(message.symbol);
      }
      break;
    case 'price_update':
      if (message.data.symbol === model.selected) {
        const data = symbolData(model, message.data.symbol);
        if (data.bars && barsAhead(data.bars, data.minutes)) delete data.bars;
        void loadBars(message.data.symbol);
        dirty.chart = true;
      }
      break;
    case 'signal_update':
    case 'decision_update':
      if (message.data.symbol === model.selected) dirty = { detail: true, chart: true };
      break;
    default:
      break;
  }
  draw();
}

/** Reads the symbol's latest publications from the HTTP history API, once; live ones and recovery keep them current. */
async function loadHistory(symbol: string): Promise<void> {
  const data = symbolData(model, symbol);
  if (data.historyLoaded || data.head === undefined || loading.has(symbol)) return;
  loading.add(symbol);
  try {
    const history = new HistoryClient({ url: base, token });
    let since = Math.max(0, data.head - HISTORY_DEPTH);
    for (let i = 0; i < MAX_PAGES; i++) {
      const page = await history.page(symbol, { sinceSeq: since, limit: 1000 });
      for (const item of page.items) publish(model, item);
      if (page.next_seq === undefined) break;
      since = page.next_seq;
    }
    data.historyLoaded = true;
  } catch (error) {
    notify(model, `The history of ${symbol} could not be read: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    loading.delete(symbol);
    if (symbol === model.selected) dirty = { detail: true, chart: true };
    draw();
  }
}

/** Reads the symbol's daily bars from the HTTP bars API when the page has none (first selected, or the market clock went back). */
async function loadBars(symbol: string): Promise<void> {
  const data = symbolData(model, symbol);
  if (data.bars !== undefined || loadingBars.has(symbol) || model.link.status !== 'open' || Date.now() < (barsRetryAt.get(symbol) ?? 0)) return;
  loadingBars.add(symbol);
  try {
    data.bars = (await new HistoryClient({ url: base, token }).bars(symbol, { limit: BARS_SHOWN })).bars;
  } catch (error) {
    barsRetryAt.set(symbol, Date.now() + BARS_RETRY_MS);
    notify(model, `The daily bars of ${symbol} could not be read: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    loadingBars.delete(symbol);
    if (symbol === model.selected) dirty.chart = true;
    draw();
  }
}

function select(symbol: string): void {
  model.selected = symbol;
  dirty = { detail: true, chart: true };
  void loadHistory(symbol);
  void loadBars(symbol);
  draw();
  ui.table.querySelector<HTMLElement>(`tr[data-symbol="${CSS.escape(symbol)}"]`)?.scrollIntoView({ block: 'nearest' });
}

/** Draws on the next frame whatever changed. */
function draw(): void {
  if (frame === 0) frame = requestAnimationFrame(render);
}

function linkText(now: number): [string, string] {
  const state = model.link;
  if (state.status === 'open') {
    const quiet = model.lastMessageAt === undefined ? 0 : now - model.lastMessageAt;
    return quiet >= STALE_MS ? [`stale: nothing for ${duration(quiet)}`, 'warn'] : ['connected', 'ok'];
  }
  if (state.status === 'reconnecting') return [`disconnected: ${state.reason}; retrying in ${duration(state.at - now)}`, 'bad'];
  if (state.status === 'refused') return ['token refused', 'bad'];
  return ['connecting', 'warn'];
}

function render(): void {
  frame = 0;
  const now = Date.now();
  const [text, tone] = linkText(now);
  ui.link.textContent = text;
  ui.link.className = `pill ${tone}`;
  const feed = model.feed;
  ui.feed.hidden = feed === undefined;
  if (feed) {
    ui.feed.textContent = `${feed.feed} ${feed.feed_state} · market ${feed.market_state}`;
    ui.feed.className = `pill ${feed.feed_state === 'running' ? (feed.market_state === 'open' ? 'ok' : '') : 'bad'}`;
    ui.feed.title = feed.reason;
  }
  const market = marketNow(model);
  ui.clock.textContent = market === undefined ? '' : `${marketTime(market)} New York`;
  ui.notice.hidden = model.notices.length === 0;
  ui.notice.textContent = model.notices.slice(-2).join(' ');
  watchlist.render(model, now);
  const symbol = model.selected;
  const data = symbol === undefined ? undefined : model.data.get(symbol);
  if (dirty.detail) {
    dirty.detail = false;
    renderDetail(ui.detail, symbol, model.rows.find((r) => r.symbol === symbol)?.latest, data);
  }
  if (dirty.chart && symbol !== undefined && data) {
    if (now - chartDrawnAt < CHART_MS) {
      window.setTimeout(draw, CHART_MS - (now - chartDrawnAt));
      return;
    }
    dirty.chart = false;
    chartDrawnAt = now;
    chart.draw(symbol, chartData(data.bars ?? [], data.minutes, publications(data)));
    ui.chartTitle.textContent = `${symbol} · daily candles`;
    ui.chartNote.textContent =
      'Daily bars from the server’s market history; the session trading now from the live quotes. ▲ BUY ▼ SELL calls; dashed: the latest call’s target and stop. Below, each agent’s vote in the day’s last analysis (height: its confidence).';
  }
}

function onKey(event: KeyboardEvent): void {
  if (!ui.login.hidden) return;
  if (event.target === ui.filter) {
    if (event.key === 'Escape') {
      ui.filter.value = '';
      applyFilter();
    }
    if (event.key === 'Escape' || event.key === 'Enter' || event.key === 'ArrowDown') {
      event.preventDefault();
      ui.filter.blur();
    }
    return;
  }
  if (event.key === '/') {
    event.preventDefault();
    ui.filter.focus();
  } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    if (moveSelection(model, event.key === 'ArrowDown' ? 1 : -1)) select(model.selected!);
  } else if (event.key === 'Enter') {
    event.preventDefault();
    ui.detail.focus();
    ui.detail.scrollIntoView({ block: 'nearest' });
  } else if (event.key === 'Escape' && model.filter !== '') {
    ui.filter.value = '';
    applyFilter();
  }
}

function applyFilter(): void {
  model.filter = ui.filter.value;
  const rows = visibleRows(model);
  if (rows.length > 0 && !rows.some((r) => r.symbol === model.selected)) select(rows[0]!.symbol);
  draw();
}

ui.filter.addEventListener('input', applyFilter);
document.addEventListener('keydown', onKey);
ui.login.addEventListener('submit', (event) => {
  // The form never submits: the token goes to session storage, not into a request.
  event.preventDefault();
  const given = ui.token.value.trim();
  if (given === '') return;
  token = given;
  sessionStorage.setItem(TOKEN_KEY, given);
  ui.token.value = '';
  ui.login.hidden = true;
  ui.app.hidden = false;
  ui.signOut.hidden = false;
  link.retry(given);
});
ui.signOut.addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});
// Ages and the stale state move with the clock, not only with messages.
window.setInterval(draw, 1_000);
ui.signOut.hidden = token === undefined;
link.open();
