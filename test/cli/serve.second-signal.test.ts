// `signals serve` as a real process: a second SIGTERM or SIGINT during shutdown lets the first shutdown finish (exit 0).
import { describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/cli.js';
import { rawWebSocket } from '../helpers/raw-socket.js';

describe('signals serve shutdown', () => {
  it('a second SIGTERM (and a SIGINT) while shutting down: logged, then exit 0 when the first shutdown completes', async () => {
    const serve = spawnServe([]);
    const port = Number(new URL(await serve.url).port);
    // A peer that never answers the close handshake keeps the shutdown going for a while.
    const silent = await rawWebSocket(port);
    silent.on('error', () => undefined);
    const started = Date.now();
    serve.child.kill('SIGTERM');
    await expect.poll(() => serve.log(), { timeout: 5_000 }).toMatch(/"msg":"shutting down"/);
    serve.child.kill('SIGTERM');
    serve.child.kill('SIGINT');
    expect(await serve.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(serve.log()).toMatch(/"level":"warn","msg":"shutdown already under way","signal":"(SIGTERM|SIGINT)"/);
    silent.destroy();
  });
});
