// The calibration of an analyst's agents: the bundled history's monthly calls saved by the build, the rest computed, one calibration per process and data.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CALL_HORIZON, type Agent } from '../agents/agent.js';
import { economicIndicator } from '../agents/economic.js';
import { momentumAgent } from '../agents/momentum.js';
import { technicalAnalyst } from '../agents/technical.js';
import { volatilityRisk } from '../agents/volatility.js';
import type { HistorySource } from '../market/history.js';
import { MarketStore } from '../market/store.js';
import { Calibration, collectSamples, type CalibrationSample } from '../orchestrator/calibration.js';

/** The agents whose calls over the bundled history the build saves. */
const BUILT_IN: readonly Agent[] = [technicalAnalyst, momentumAgent, volatilityRisk, economicIndicator];

interface SavedSamples {
  horizon: number;
  agents: string[];
  samples: CalibrationSample[];
}

const samplesFile = (bundledDir: string) => join(bundledDir, '..', 'dist', 'calibration-samples.json');

/** Build step: the built-in agents' monthly calls over every bundled symbol, saved as JSON. */
export async function writeBundledSamples(store: MarketStore): Promise<void> {
  const samples = await collectSamples(store, BUILT_IN, CALL_HORIZON);
  const saved: SavedSamples = { horizon: CALL_HORIZON, agents: BUILT_IN.map((a) => a.id), samples };
  writeFileSync(samplesFile(store.bundledDir), JSON.stringify(saved));
}

const loaded = new Map<string, { saved: SavedSamples; calibration: Calibration } | null>();

/** The saved samples of the bundled data and their calibration (one per process, so its monthly fits are shared). */
function savedSamples(bundledDir: string): { saved: SavedSamples; calibration: Calibration } | null {
  const file = samplesFile(bundledDir);
  if (!loaded.has(file)) {
    const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as SavedSamples) : null;
    loaded.set(
      file,
      saved === null || saved.horizon !== CALL_HORIZON ? null : { saved, calibration: new Calibration(saved.samples, saved.agents, CALL_HORIZON) },
    );
  }
  return loaded.get(file)!;
}

const built = new WeakMap<HistorySource, { agents: readonly Agent[]; calibration: Promise<Calibration> }>();

/**
 * The calibration of the agents that speak to the consensus's horizon, from every symbol of the store. With the
 * built-in agents, the bundled symbols' calls come from the file the build saved and only a data folder's
 * symbols are run here; other agents are run over everything. A source that names a `calibrationSource` (a
 * provider's) is calibrated on that. Built once per store and agents.
 */
export function calibrationOf(store: HistorySource, agents: readonly Agent[]): Promise<Calibration> {
  if (store.calibrationSource) return calibrationOf(store.calibrationSource, agents);
  const calibrated = agents.filter((a) => a.horizon === CALL_HORIZON);
  // No agent to calibrate: nothing to run over the history.
  if (calibrated.length === 0) return Promise.resolve(new Calibration([], [], CALL_HORIZON));
  const cached = built.get(store);
  if (cached && cached.agents.length === calibrated.length && cached.agents.every((a, i) => a === calibrated[i])) return cached.calibration;
  const calibration = (async () => {
    const bundled = store instanceof MarketStore && sameAgents(calibrated) ? savedSamples(store.bundledDir) : null;
    let samples: CalibrationSample[];
    if (bundled === null || !(store instanceof MarketStore)) {
      samples = await collectSamples(store, calibrated, CALL_HORIZON);
    } else {
      const own = store.symbols().filter((s) => store.range(s).source === 'data-dir');
      if (own.length === 0) return bundled.calibration;
      const kept = bundled.saved.samples.filter((s) => !own.includes(s.symbol));
      samples = [...kept, ...(await collectSamples(store, calibrated, CALL_HORIZON, own))];
    }
    return new Calibration(
      samples,
      calibrated.map((a) => a.id),
      CALL_HORIZON,
    );
  })();
  built.set(store, { agents: calibrated, calibration });
  return calibration;
}

const sameAgents = (agents: readonly Agent[]) => agents.length === BUILT_IN.length && agents.every((a, i) => a === BUILT_IN[i]);
