// The provider cache (expiry, --offline, a stale copy when the provider is down) and FRED's first releases in snapshots.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeOf, publishedAt } from '../../src/market/publication.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { SignalsError } from '../../src/protocol/errors.js';
import { defaultProviderCacheDir, DiskCache } from '../../src/providers/disk-cache.js';
import { Fred } from '../../src/providers/fred.js';
import { FredHistory } from '../../src/providers/fred-history.js';
import { startFred } from '../helpers/providers.js';

const store = new MarketStore();
const dir = () => mkdtempSync(join(tmpdir(), 'signals-cache-'));

describe('provider cache', () => {
  it('lives in the XDG cache folder', () => {
    expect(defaultProviderCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/signals');
    expect(defaultProviderCacheDir({ XDG_CACHE_HOME: 'relative' })).toMatch(/\.cache\/signals$/);
  });

  it('answers from the cache while fresh, fetches again once expired', async () => {
    let now = Date.parse('2026-01-05T15:00:00Z');
    const cache = new DiskCache({ dir: dir(), offline: false, warn: () => undefined, now: () => now });
    let fetches = 0;
    const fetch = () => Promise.resolve(++fetches);
    expect(await cache.get('k', 60_000, fetch)).toBe(1);
    now += 59_000;
    expect(await cache.get('k', 60_000, fetch)).toBe(1);
    now += 2_000;
    expect(await cache.get('k', 60_000, fetch)).toBe(2);
  });

  it('a provider that is down: the stale copy, with a warning naming its age; nothing cached: the error', async () => {
    let now = Date.parse('2026-01-05T15:00:00Z');
    const warnings: string[] = [];
    const cache = new DiskCache({ dir: dir(), offline: false, warn: (m) => void warnings.push(m), now: () => now });
    await cache.get('bars', 60_000, () => Promise.resolve([1, 2, 3]));
    now += 3 * 3_600_000;
    const down = () => Promise.reject(new SignalsError('PROVIDER_UNAVAILABLE', 'yahoo is unreachable at http://127.0.0.1:9 (ECONNREFUSED)'));
    expect(await cache.get('bars', 60_000, down)).toEqual([1, 2, 3]);
    expect(warnings).toEqual(['yahoo is unreachable at http://127.0.0.1:9 (ECONNREFUSED); using the cached copy from 3 h ago']);
    await expect(cache.get('other', 60_000, down)).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE' });
    // A refused key is never papered over by the cache.
    await expect(cache.get('bars', 60_000, () => Promise.reject(new SignalsError('PROVIDER_AUTH_FAILED', 'refused')))).rejects.toMatchObject({
      code: 'PROVIDER_AUTH_FAILED',
    });
  });

  it('--offline: whatever is cached, however old; what is not cached is a DATA_ERROR; never a fetch', async () => {
    const d = dir();
    let now = Date.parse('2026-01-05T15:00:00Z');
    await new DiskCache({ dir: d, offline: false, warn: () => undefined, now: () => now }).get('k', 1, () => Promise.resolve('v'));
    now += 30 * 86_400_000;
    const offline = new DiskCache({ dir: d, offline: true, warn: () => undefined, now: () => now });
    const never = () => Promise.reject(new Error('fetched'));
    expect(await offline.get('k', 1, never)).toBe('v');
    await expect(offline.get('missing', 1, never)).rejects.toMatchObject({ code: 'DATA_ERROR', message: expect.stringMatching(/--offline/) });
  });
});

describe('fred', () => {
  let server: Awaited<ReturnType<typeof startFred>> | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('asks for first releases over all real-time periods, and dates each by its release', async () => {
    server = await startFred();
    const obs = await new Fred({ baseUrl: server.url, apiKey: 'fred-test-key' }).observations('UNRATE', '2025-06-20T21:00:00Z');
    const q = server.requests[0]!.searchParams;
    expect(q.get('series_id')).toBe('UNRATE');
    expect(q.get('output_type')).toBe('4');
    expect(q.get('realtime_start')).toBe('1776-07-04');
    expect(q.get('realtime_end')).toBe('9999-12-31');
    const may = obs.find((o) => o.date === '2025-05-01')!;
    // The local FRED dates releases by the bundled calendar; FRED gives a day, counted from that day's close.
    expect(may.published).toBe(closeOf(publishedAt('UNRATE', '2025-05-01').slice(0, 10)));
    const vix = await new Fred({ baseUrl: server.url, apiKey: 'fred-test-key' }).observations('VIX', '2025-06-20T21:00:00Z');
    expect(server.requests[1]!.searchParams.get('series_id')).toBe('VIXCLS');
    expect(vix.length).toBeGreaterThan(500);
  });

  it("a snapshot sees FRED's observations only once released", async () => {
    server = await startFred();
    const cache = new DiskCache({ dir: dir(), offline: false, warn: () => undefined });
    const history = new FredHistory(store, new Fred({ baseUrl: server.url, apiKey: 'fred-test-key' }), cache);
    const asOf = '2025-06-05T15:00:00.000Z';
    await history.load('AAPL', asOf);
    const snap = snapshotAt(history, 'AAPL', asOf);
    // May's unemployment rate is released in June (after the 5th here): April is the latest seen.
    expect(snap.macro.UNRATE.at(-1)!.date).toBe('2025-04-01');
    expect(snap.macro.UNRATE.every((o) => history.published('UNRATE', o.date) <= asOf)).toBe(true);
    expect(history.published('UNRATE', '2025-05-01')).toBe(closeOf(publishedAt('UNRATE', '2025-05-01').slice(0, 10)));
    expect(snap.bars.at(-1)!.date).toBe('2025-06-04');
  });

  it('a refused key is PROVIDER_AUTH_FAILED with FRED’s message', async () => {
    server = await startFred();
    await expect(new Fred({ baseUrl: server.url, apiKey: 'wrong' }).observations('UNRATE', '2025-06-20T21:00:00Z')).rejects.toMatchObject({
      code: 'PROVIDER_AUTH_FAILED',
      message: expect.stringMatching(/api_key is not registered/),
    });
  });
});
