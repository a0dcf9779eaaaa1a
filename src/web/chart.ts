// The selected symbol's chart with TradingView's lightweight-charts: daily candles, the calls as markers, the latest call's target and stop, and a pane of votes per agent.
import {
  CandlestickSeries,
  createChart,
  createSeriesMarkers,
  HistogramSeries,
  LineStyle,
  TickMarkType,
  type AutoscaleInfo,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import type { ChartData } from './candles.js';
import { price } from './format.js';

const COLORS = { BUY: '#26a69a', SELL: '#ef5350', HOLD: '#787b86', other: '#4a4e5a', text: '#d1d4dc', grid: '#1f2330' };
/** The candles' pane is this many times an agent's. */
const CANDLE_STRETCH = 10;

const asTime = (seconds: number) => seconds as UTCTimestamp;
const ms = (time: Time) =>
  typeof time === 'number' ? time * 1000 : Date.parse(typeof time === 'string' ? time : `${time.year}-${time.month}-${time.day}`);

/** A candle's trading day, YYYY-MM-DD: its time is the day at 00:00 UTC. */
const dayOf = (time: Time) => new Date(ms(time)).toISOString().slice(0, 10);

/** An axis label: the year, the month or the day, as the library asks. */
function tickMark(time: Time, type: TickMarkType): string {
  const day = dayOf(time);
  if (type === TickMarkType.Year) return day.slice(0, 4);
  if (type === TickMarkType.Month) return day.slice(0, 7);
  return day.slice(5);
}

/** A vote's height as a percentage; none on the axis at 0, where it would cover the agent's name. */
const votePercent = (value: number) => (value === 0 ? '' : `${Math.round(value)}%`);

/** One chart for whichever symbol is selected; `draw` replaces what it shows. */
export class Chart {
  private readonly chart: IChartApi;
  private readonly candles: ISeriesApi<'Candlestick'>;
  private readonly markers: ISeriesMarkersPluginApi<Time>;
  private readonly votes = new Map<string, ISeriesApi<'Histogram'>>();
  private levels: IPriceLine[] = [];
  private shownLevels: ChartData['levels'];
  private shown: { symbol: string; first: number | undefined } | undefined;

  constructor(private readonly container: HTMLElement) {
    // The library's logo is a <style> element the page's policy refuses; the page's footer carries TradingView's notice and link instead.
    this.chart = createChart(container, {
      autoSize: true,
      layout: { background: { color: 'transparent' }, textColor: COLORS.text, attributionLogo: false, panes: { separatorColor: COLORS.grid } },
      grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
      // Trading days, whatever the browser's time zone, on the axis and under the crosshair.
      timeScale: { timeVisible: false, borderColor: COLORS.grid, tickMarkFormatter: tickMark },
      rightPriceScale: { borderColor: COLORS.grid },
      localization: { timeFormatter: dayOf },
    });
    this.candles = this.chart.addSeries(CandlestickSeries, {
      upColor: COLORS.BUY,
      downColor: COLORS.SELL,
      borderVisible: false,
      wickUpColor: COLORS.BUY,
      wickDownColor: COLORS.SELL,
      // The scale takes in the latest call's target and stop, so that their lines are always on the chart.
      autoscaleInfoProvider: (original: () => AutoscaleInfo | null) => {
        const info = original();
        const levels = this.shownLevels;
        if (!info?.priceRange || !levels) return info;
        const { minValue, maxValue } = info.priceRange;
        const prices = [minValue, maxValue, levels.target, levels.stop];
        return { ...info, priceRange: { minValue: Math.min(...prices), maxValue: Math.max(...prices) } };
      },
    });
    this.markers = createSeriesMarkers(this.candles, []);
  }

  /** One pane per agent under the candles, in the order the server lists them. */
  setAgents(agents: { id: string; name: string }[]): void {
    if (this.votes.size > 0) return;
    agents.forEach((agent, i) => {
      const series = this.chart.addSeries(
        HistogramSeries,
        {
          title: agent.name,
          priceFormat: { type: 'custom', formatter: votePercent, minMove: 1 },
          priceLineVisible: false,
          base: 0,
          // Every agent on the same 0-100% scale, whatever its votes.
          autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 100 } }),
        },
        i + 1,
      );
      this.votes.set(agent.id, series);
    });
    this.chart.panes().forEach((pane, i) => pane.setStretchFactor(i === 0 ? CANDLE_STRETCH : 1));
  }

  draw(symbol: string, data: ChartData): void {
    this.shownLevels = data.levels;
    this.candles.setData(data.candles.map((c) => ({ ...c, time: asTime(c.time) })));
    this.markers.setMarkers(
      data.markers.map((m) => ({
        time: asTime(m.time),
        position: m.action === 'BUY' ? 'belowBar' : 'aboveBar',
        shape: m.action === 'BUY' ? 'arrowUp' : 'arrowDown',
        color: COLORS[m.action],
        text: m.count > 1 ? `${m.action} ×${m.count}` : m.action,
        id: String(m.seq),
      })),
    );
    for (const [agent, series] of this.votes) {
      series.setData(
        (data.votes.get(agent) ?? []).map((v) => ({
          time: asTime(v.time),
          // Percent scale: a vote's height is its confidence; an agent that did not vote draws nothing.
          value: v.signal === 'BUY' || v.signal === 'SELL' || v.signal === 'HOLD' ? v.confidence * 100 : 0,
          color: v.signal === 'BUY' || v.signal === 'SELL' || v.signal === 'HOLD' ? COLORS[v.signal] : COLORS.other,
        })),
      );
    }
    for (const line of this.levels) this.candles.removePriceLine(line);
    this.levels = data.levels
      ? [
          this.candles.createPriceLine({ price: data.levels.target, color: COLORS.BUY, lineStyle: LineStyle.Dashed, lineWidth: 1, title: 'target' }),
          this.candles.createPriceLine({ price: data.levels.stop, color: COLORS.SELL, lineStyle: LineStyle.Dashed, lineWidth: 1, title: 'stop' }),
        ]
      : [];
    // A new symbol, or its bars read (again), shows everything; otherwise the person's zoom and scroll stay.
    const first = data.candles[0]?.time;
    if (this.shown?.symbol !== symbol || this.shown.first !== first) this.chart.timeScale().fitContent();
    this.shown = { symbol, first };
    const calls = (action: 'BUY' | 'SELL') => data.markers.reduce((n, m) => n + (m.action === action ? m.count : 0), 0);
    const buys = calls('BUY');
    const last = data.candles[data.candles.length - 1];
    const span = first !== undefined && last ? ` from ${dayOf(asTime(first))} to ${dayOf(asTime(last.time))} (close ${price(last.close)})` : '';
    this.container.setAttribute(
      'aria-label',
      `${symbol}: ${data.candles.length} candles${span}, ${buys} BUY and ${calls('SELL')} SELL calls marked${data.levels ? `; latest ${data.levels.action} target ${data.levels.target} stop ${data.levels.stop}` : ''}`,
    );
  }
}
