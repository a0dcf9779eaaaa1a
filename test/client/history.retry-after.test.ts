// The history client against a server that paces it: a 429 is waited out as its Retry-After says, a few times, then refused.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HistoryClient } from '../../src/client/history.js';

/** Answers 429 (Retry-After: 1) to the first `refusals` requests, then an empty page. */
async function pacingServer(refusals: number) {
  let asked = 0;
  const server = createServer((_req, res) => {
    asked += 1;
    if (asked <= refusals)
      res
        .writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' })
        .end('{"error":"too many history requests","code":"RATE_LIMITED"}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ symbol: 'AAPL', epoch: 'e1', items: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, asked: () => asked, close: () => server.close() };
}

describe('HistoryClient and Retry-After', () => {
  let close = () => {};
  afterEach(() => close());

  it('waits out a 429 and gets the page', async () => {
    const server = await pacingServer(1);
    close = server.close;
    const started = Date.now();
    await expect(new HistoryClient({ url: server.url }).page('AAPL', {})).resolves.toMatchObject({ symbol: 'AAPL', items: [] });
    expect(server.asked()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up with RATE_LIMITED after 5 retries', async () => {
    const server = await pacingServer(100);
    close = server.close;
    await expect(new HistoryClient({ url: server.url }).page('AAPL', {})).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    expect(server.asked()).toBe(6);
  }, 15_000);
});
