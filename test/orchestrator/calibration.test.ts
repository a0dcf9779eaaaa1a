// Calibration: the logistic fit on cases with known answers, the pooled consensus, and no look-ahead: a fit as of a day is the same whatever the data after it.
import { describe, expect, it } from 'vitest';
import { defaultAgents } from '../../src/agents/index.js';
import { perturbedView } from '../../src/backtest/lookahead.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { Calibration, callOf, collectSamples, MIN_MONTHS, pooledProbability, readScore } from '../../src/orchestrator/calibration.js';
import { calibratedConsensus, DEFAULT_CONSENSUS, type AgentOutcome } from '../../src/orchestrator/consensus.js';
import { fitLogistic, logit } from '../../src/orchestrator/logistic.js';
import { TrackRecords } from '../../src/orchestrator/track-record.js';
import { writeTrendingData } from '../helpers/trending-data.js';

describe('fitLogistic', () => {
  it('on a yes/no score, recovers the log-odds of each group: a = logit(p0), a + b = logit(p1)', () => {
    // x = 0: 3 of 10 yes; x = 1: 8 of 10 yes
    const xs = [...Array(10).fill(0), ...Array(10).fill(1)] as number[];
    const ys = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    const fit = fitLogistic(
      xs,
      ys,
      xs.map((_, i) => `d${i}`),
    )!;
    expect(fit.a).toBeCloseTo(logit(0.3), 8);
    expect(fit.a + fit.b).toBeCloseTo(logit(0.8), 8);
    expect(fit.z).toBeGreaterThan(2);
  });

  it('counts a date once: repeating every observation within its date leaves z unchanged', () => {
    const xs = Array.from({ length: 40 }, (_, i) => Math.sin(i * 1.7));
    const ys = xs.map((x, i) => (x + Math.cos(i * 2.3) > 0 ? 1 : 0));
    const dates = xs.map((_, i) => `d${i}`);
    const once = fitLogistic(xs, ys, dates)!;
    const twice = fitLogistic([...xs, ...xs], [...ys, ...ys], [...dates, ...dates])!;
    expect(twice.b).toBeCloseTo(once.b, 8);
    expect(twice.z).toBeCloseTo(once.z, 8);
  });

  it('gives no slope when the score never varies', () => {
    expect(fitLogistic([1, 1, 1, 1], [0, 1, 1, 0], ['a', 'b', 'c', 'd'])).toMatchObject({ b: 0, z: 0 });
  });
});

describe('the calibrated consensus', () => {
  const voted = (id: string, probability: number, informative: boolean): AgentOutcome => ({
    id,
    name: id,
    status: 'voted',
    reasons: [],
    probability,
    informative,
    ...callOf(probability),
  });

  it('averages the informative agents log-odds shifts from the base rate, and ignores the others', () => {
    const p = pooledProbability(0.6, [
      { probability: 0.7, weight: 1 },
      { probability: 0.5, weight: 1 },
    ])!;
    expect(logit(p) - logit(0.6)).toBeCloseTo((logit(0.7) - logit(0.6) + logit(0.5) - logit(0.6)) / 2, 10);
    const result = calibratedConsensus([voted('a', 0.7, true), voted('b', 0.2, false), voted('c', 0.6, false)], DEFAULT_CONSENSUS, 0.6);
    expect(result).toMatchObject({ kind: 'signal', action: 'BUY', weight: 1 / 3 });
    expect(result.kind === 'signal' && result.confidence).toBeCloseTo(0.7, 10);
  });

  it('with no informative agent makes no call: HOLD with the base rate as its probability, on either side of one half', () => {
    for (const base of [0.45, 0.6]) {
      const outcomes = ['a', 'b', 'c'].map((id) => voted(id, base, false));
      expect(calibratedConsensus(outcomes, DEFAULT_CONSENSUS, base)).toMatchObject({
        kind: 'signal',
        action: 'HOLD',
        probability: base,
        weight: 0,
        strength: 'WEAK',
      });
    }
  });

  it('an agent whose record shows no information says HOLD at the base rate; an informative one calls its probability', () => {
    const fit = {
      month: '2014-06',
      months: 100,
      calls: 3000,
      baseRate: 0.6,
      agents: { a: { a: 0.4, b: 2, z: 4, n: 3000, informative: true }, b: { a: 0.4, b: 2, z: 1, n: 3000, informative: false } },
    };
    expect(readScore(fit, 'b', -0.9)).toEqual({ probability: 0.6, informative: false, signal: 'HOLD', confidence: 0.6 });
    expect(readScore(fit, 'a', -0.9)).toMatchObject({ informative: true, signal: 'SELL' });
    expect(readScore(fit, 'a', 0.3)).toMatchObject({ informative: true, signal: 'BUY' });
  });

  it('gives no signal before there is a calibration, or without a quorum', () => {
    const outcomes = ['a', 'b', 'c'].map((id) => voted(id, 0.6, true));
    expect(calibratedConsensus(outcomes, DEFAULT_CONSENSUS, null)).toMatchObject({ kind: 'no_signal' });
    expect(calibratedConsensus(outcomes.slice(0, 2), DEFAULT_CONSENSUS, 0.6)).toMatchObject({ kind: 'no_signal' });
  });
});

describe('no look-ahead', () => {
  const store = new MarketStore();
  const agents = defaultAgents({ bundledDir: store.bundledDir }).filter((a) => a.horizon === 21);
  const ids = agents.map((a) => a.id);
  const symbols = ['AAPL', 'JPM', 'XOM'];
  const asOf = '2014-06-16T21:00:00.000Z';
  const calibrationOn = async (s: MarketStore) => new Calibration(await collectSamples(s, agents, 21, symbols), ids, 21);
  /** A perturbed view that perturbs each series once, not on every snapshot. */
  const memoised = (view: MarketStore) => {
    const fast = Object.create(view) as MarketStore;
    const bars = new Map<string, ReturnType<MarketStore['barRows']>>();
    const macro = new Map<string, ReturnType<MarketStore['macro']>>();
    fast.barRows = (symbol) => bars.get(symbol) ?? bars.set(symbol, view.barRows(symbol)).get(symbol)!;
    fast.macro = (series) => macro.get(series) ?? macro.set(series, view.macro(series)).get(series)!;
    return fast;
  };

  it('a fit and a track record as of a day are identical whatever the bars and macro data after that day', { timeout: 120_000 }, async () => {
    const plain = await calibrationOn(store);
    const fit = plain.fitAt(asOf);
    expect(fit).not.toBeNull();
    expect(fit!.months).toBeGreaterThanOrEqual(MIN_MONTHS);
    const outcomes = ids.map((id): AgentOutcome => ({ id, name: id, status: 'voted', signal: 'BUY', confidence: 0.6, reasons: [] }));
    const record = new TrackRecords(plain, DEFAULT_CONSENSUS, agents).at('AAPL', asOf, outcomes);
    expect(Math.max(...Object.values(record.agents).map((a) => a.calls))).toBeGreaterThan(0);
    for (const input of ['bars', 'macro'] as const) {
      const perturbed = await calibrationOn(memoised(perturbedView(store, asOf, input)));
      expect(perturbed.fitAt(asOf), input).toEqual(fit);
      expect(new TrackRecords(perturbed, DEFAULT_CONSENSUS, agents).at('AAPL', asOf, outcomes), input).toEqual(record);
      // The perturbation reaches what is fitted later: the test would see a leak.
      expect(perturbed.fitAt('2016-06-15'), input).not.toEqual(plain.fitAt('2016-06-15'));
    }
  });

  it('the same while agents are informative: the fit, the readings it gives and the track record of calls', { timeout: 120_000 }, async () => {
    const trending = new MarketStore({ dataDir: writeTrendingData() });
    const mine = ['SYN00', 'SYN01', 'SYN02', 'SYN03'];
    const day = '2019-06-17T21:00:00.000Z';
    const on = async (s: MarketStore) => new Calibration(await collectSamples(s, agents, 21, mine), ids, 21);
    const plain = await on(trending);
    const fit = plain.fitAt(day)!;
    expect(Object.values(fit.agents).filter((a) => a.informative).length).toBeGreaterThan(0);
    const outcomes = ids.map((id): AgentOutcome => ({ id, name: id, status: 'voted', reasons: [], ...readScore(fit, id, 0.5) }));
    const record = new TrackRecords(plain, DEFAULT_CONSENSUS, agents).at('SYN00', day, outcomes);
    expect(record.consensus.calls).toBeGreaterThan(0);
    for (const input of ['bars', 'macro'] as const) {
      const perturbed = await on(memoised(perturbedView(trending, day, input)));
      expect(perturbed.fitAt(day), input).toEqual(fit);
      expect(new TrackRecords(perturbed, DEFAULT_CONSENSUS, agents).at('SYN00', day, outcomes), input).toEqual(record);
      expect(perturbed.fitAt('2022-06-15'), input).not.toEqual(plain.fitAt('2022-06-15'));
    }
  });

  it('refits at most monthly: every day of a month has the same fit, fitted on outcomes known before the month began', async () => {
    const plain = await calibrationOn(store);
    expect(plain.fitAt('2014-06-02T21:00:00.000Z')).toBe(plain.fitAt('2014-06-30T21:00:00.000Z'));
    const known = plain.samples.filter((s) => s.known < '2014-06-01');
    expect(plain.fitAt(asOf)!.calls).toBe(known.length);
  });

  it("runs each agent on the snapshot analyze would see at the close of the month's last trading day", async () => {
    const sample = (await collectSamples(store, agents, 21, ['JPM'])).find((s) => s.scores[agents[0]!.id] !== undefined);
    const vote = await agents[0]!.analyze(snapshotAt(store, 'JPM', `${sample!.date}T21:00:00.000Z`), new AbortController().signal);
    expect(vote.kind === 'vote' && vote.score).toBe(sample!.scores[agents[0]!.id]);
  });
});
