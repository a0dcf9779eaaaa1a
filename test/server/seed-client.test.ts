// The old service's clients work unchanged: a browser-style client written only from seed-protocol.md.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.js';

let ctx: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => (ctx = await startServer()));
afterAll(() => ctx.stop());

describe('seed browser client', () => {
  it('subscribes, analyses, reads prices, votes and the consensus with the plain WebSocket API', async () => {
    const script = fileURLToPath(new URL('../fixtures/seed-browser-client.mjs', import.meta.url));
    const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', script, `${ctx.url}/ws/signals`]);
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const pushing = setInterval(() => ctx.feed.push('AAPL', 230 + Math.random()), 50);
    const code = await new Promise((r) => child.on('exit', r));
    clearInterval(pushing);
    const report = JSON.parse(out);
    expect(code).toBe(0);
    expect(report.welcome).toEqual(expect.any(String));
    expect(report.subscribed).toBe(true);
    expect(report.alert).toBe('info: Analysis started for AAPL');
    expect(report.prices[0]).toMatch(/^AAPL 23\d\.\d\d vol 1,000$/);
    expect(report.agents).toContain('Orchestrator:ANALYZING:0.00');
    expect(report.agents.filter((a: string) => a.endsWith(':PROCESSING:0.00'))).toHaveLength(5);
    expect(report.signal ?? report.decision).toMatch(/^AAPL /);
    expect(report.status).toBe(true);
  });
});
