// The benchmark suite runs end to end (its --smoke mode: a few clients for a second) and reports every figure.
// About two minutes of both cores (more on a busy machine), so not part of `npm test`: `npm run bench:smoke` runs it, and CI after the tests.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('npm run bench -- --smoke', () => {
  it('measures the real server and the baseline and writes the JSON report', { timeout: 310_000 }, () => {
    const out = join(mkdtempSync(join(tmpdir(), 'signals-bench-')), 'bench.json');
    const run = fileURLToPath(new URL('../../dist/bench/run.js', import.meta.url));
    const r = spawnSync(process.execPath, [run, '--smoke', '--out', out], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.machine).toMatchObject({ cpus: expect.any(Number), node: process.version, smoke: true });
    const [row] = report.fanout;
    // 30 symbols x 12 messages a second, to 60 clients spread over the 30 rooms: 720 deliveries a second each.
    expect(row.clients).toBe(60);
    expect(row.delivered_per_s).toBeGreaterThan(500);
    expect(row.baseline_delivered_per_s).toBeGreaterThan(500);
    expect(row.ratio).toBeGreaterThan(0.5);
    expect(row.p99_ms).toBeLessThan(5_000);
    // Server CPU per delivery, from each server process's own accounting, for both outbound paths and the baseline.
    for (const cpu of [row.cpu_us_per_delivery, row.baseline_cpu_us_per_delivery, row.public_path.cpu_us_per_delivery]) {
      expect(cpu).toBeGreaterThan(0);
    }
    expect(row.public_path.delivered_per_s).toBeGreaterThan(500);
    // What the analyses alone cost (one client a room), and their share of each delivery's CPU.
    expect(report.analyses.cpu_ms_per_analysis).toBeGreaterThan(0);
    expect(row.analyses_us_per_delivery).toBeGreaterThan(0);
    expect(row.fanout_us_per_delivery).toBeCloseTo(row.cpu_us_per_delivery - row.analyses_us_per_delivery, 2);
    // Saturation: each server stepped up from one analysis per symbol a second (720 deliveries a second to 60 clients).
    for (const name of ['signals', 'signals-public', 'baseline']) {
      const run = report.saturation[name];
      expect(run.steps[0]).toMatchObject({ per_second: 1, offered_per_s: 720 });
      expect(run.steps[0].delivered_per_s).toBeGreaterThan(0);
      expect(['server', 'clients', 'others', 'none']).toContain(run.limit);
    }
    expect(report.memory.bytes_per_connection).toEqual(expect.any(Number));
    expect(report.slow_consumers).toMatchObject({ stalled_clients: 6, rss_bounded: true });
    expect(report.orchestrator.analyses_per_s).toBeGreaterThan(100);
    expect(report.monitor.ticks_per_s).toBeGreaterThan(1000);
    expect(report.startup.ratio).toBeGreaterThan(1);
    expect(report.startup).toMatchObject({ market_cache: true, code_cache: true });
    expect(report.serve_ready.ratio).toBeGreaterThan(1);
    // The same 60 clients through three nodes on Redis: every delivery made, the figures against one node reported.
    expect(report.cluster).toMatchObject({ nodes: 3, clients: 60, single_node_delivered_per_s: row.delivered_per_s });
    expect(report.cluster.delivered_per_s).toBeGreaterThan(500);
    expect(report.cluster.added_p99_ms).toEqual(expect.any(Number));
    expect(report.cluster.bytes_per_connection).toEqual(expect.any(Number));
  });
});
