// `npm run bench [-- --quick] [-- --out FILE]`: the benchmark suite; prints a table and writes JSON.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { benchOrchestrator } from './orchestrator.js';
import { benchStartup } from './startup.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } } });
const quick = values.quick ?? false;

const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, node: process.version, date: new Date().toISOString(), quick },
};
const row = (name: string, value: string) => console.log(`${name.padEnd(34)} ${value}`);

const orchestrator = await benchOrchestrator(quick ? 2 : 5);
results.orchestrator = orchestrator;
row('orchestrator analyses/s (1 core)', `${orchestrator.analyses_per_s}  (goal >= 2000)`);

const startup = benchStartup(quick ? 7 : 15);
results.startup = startup;
row('start-up analyze / node -e 0', `${startup.analyze_ms} ms / ${startup.node_ms} ms = ${startup.ratio}x  (goal <= 3x)`);

if (values.out) writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
