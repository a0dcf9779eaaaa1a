// `npm run fuzz [-- --small] [-- --frames N] [-- --stalled-readers N] [-- --seconds N] [-- --seed N] [-- --phase a,c] [-- --json FILE] [-- --redis-url URL]`: hostile clients against a real server.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { PhaseReport } from './fuzz-phase.js';
import { header, row } from './fuzz-report.js';
import { notRun, Session } from './fuzz-session.js';
import { FULL, PHASES, SMALL } from './fuzz-suite.js';

const OPTIONS = {
  help: { type: 'boolean', default: false },
  small: { type: 'boolean', default: false },
  frames: { type: 'string' },
  'stalled-readers': { type: 'string' },
  seconds: { type: 'string' },
  seed: { type: 'string' },
  phase: { type: 'string' },
  json: { type: 'string' },
  'redis-url': { type: 'string' },
} as const;

const USAGE = `usage: npm run fuzz [-- --small] [-- --frames N] [-- --stalled-readers N] [-- --seconds N] [-- --seed N]
                [-- --phase ${PHASES.map((p) => p.id).join(',')}] [-- --json FILE] [-- --redis-url URL]
phases: ${PHASES.map((p) => `${p.id} ${p.title}`).join('; ')}`;

/** The options, or usage on stderr and exit 2 for one the suite does not know (exit 0 for --help). */
function options() {
  try {
    return parseArgs({ options: OPTIONS });
  } catch (error) {
    console.error(`fuzz: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    process.exit(2);
  }
}

const { values } = options();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function whole(name: string, raw: string | undefined, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`fuzz: --${name} must be a whole number >= ${min}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const small = values.small ?? false;
const preset = small ? SMALL : FULL;
const sizes = {
  ...preset,
  frames: whole('frames', values.frames, preset.frames, 1),
  stalledReaders: whole('stalled-readers', values['stalled-readers'], preset.stalledReaders, 1),
};
const seconds = whole('seconds', values.seconds, small ? 120 : 600, 1);
const seed = whole('seed', values.seed, Math.floor(Math.random() * 2 ** 32), 0);
const ids = (values.phase ?? PHASES.map((p) => p.id).join(',')).split(',');
const unknown = ids.filter((id) => !PHASES.some((p) => p.id === id));
if (unknown.length > 0) {
  console.error(`fuzz: unknown --phase ${unknown.join(',')}; the phases are ${PHASES.map((p) => p.id).join(',')}`);
  process.exit(2);
}

/** How long the probe is timed with no attack before the first phase. */
const BASELINE_MS = 5_000;
const started = Date.now();
const deadline = started + seconds * 1000;
const session = new Session(sizes, seed, deadline, values['redis-url']);
// The hard bound: whatever hangs, the run ends a little after --seconds.
setTimeout(
  () => {
    console.error(`fuzz: --seconds ${seconds} exceeded; stopping`);
    void session.stop().finally(() => process.exit(3));
  },
  seconds * 1000 + 15_000,
).unref();

console.log(
  `hostile clients against signals serve${values['redis-url'] ? ' as a cluster node' : ''} (${small ? 'small' : 'full'} run, seed ${seed}, at most ${seconds} s)`,
);
// The probe with no attack, in this run: what the phases' probe figures compare with on a shared machine.
const baseline = await session.baseline(BASELINE_MS);
console.log(
  `baseline, no attack (${BASELINE_MS / 1000} s): probe ms p50/p99/max ${baseline.p50_ms}/${baseline.p99_ms}/${baseline.max_ms} over ${baseline.samples}`,
);
console.log(header());
const reports: PhaseReport[] = [];
for (const phase of PHASES.filter((p) => ids.includes(p.id))) {
  const report = Date.now() > deadline ? notRun(phase, `--seconds ${seconds} spent before it could start`) : await session.run(phase);
  reports.push(report);
  console.log(row(report));
}
await session.stop();

const ok = reports.every((r) => r.ok);
console.log(`${ok ? 'all checks pass' : 'some checks FAIL'} (${Math.round((Date.now() - started) / 1000)} s)`);
if (values.json) {
  const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, date: new Date().toISOString() };
  writeFileSync(values.json, `${JSON.stringify({ machine, seed, small, sizes, seconds, ok, baseline, phases: reports }, null, 2)}\n`);
}
process.exit(ok ? 0 : 1);
