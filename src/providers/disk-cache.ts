// The per-user cache of provider answers (XDG cache folder): each entry kept with its fetch time, used while fresh, or offline, or when the provider is down.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SignalsError } from '../protocol/errors.js';

/** `$XDG_CACHE_HOME/signals`, or `~/.cache/signals` when XDG_CACHE_HOME is unset or not absolute (as the spec says). */
export function defaultProviderCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  return xdg && xdg.startsWith('/') ? join(xdg, 'signals') : join(homedir(), '.cache', 'signals');
}

interface Entry<T> {
  key: string;
  fetched_at: string;
  value: T;
}

export interface CacheOptions {
  dir: string;
  /** Use only what is cached, whatever its age; never ask the provider. */
  offline: boolean;
  /** Told when a stale entry stands in for a provider that failed. */
  warn: (message: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

/** "3 h", "2 d": how old an entry is, for people. */
export function describeAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

/**
 * @example
 * const cache = new DiskCache({ dir: defaultProviderCacheDir(), offline: false, warn });
 * const bars = await cache.get('yahoo/bars/AAPL/2026-11-27', 3_600_000, () => fetchBars('AAPL'));
 */
export class DiskCache {
  private readonly now: () => number;

  constructor(private readonly options: CacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The value under `key`: the cached one while younger than `ttlMs` (or with --offline), else `fetch`ed and
   * cached. When the fetch fails for want of the provider and an older entry exists, that entry is used with a
   * warning naming its age; a refused key is never papered over.
   */
  async get<T>(key: string, ttlMs: number, fetch: () => Promise<T>): Promise<T> {
    const cached = this.read<T>(key);
    const age = cached ? this.now() - Date.parse(cached.fetched_at) : Infinity;
    if (this.options.offline) {
      if (!cached) throw new SignalsError('DATA_ERROR', `${key} is not in the cache (${this.options.dir}) and --offline forbids fetching it`);
      return cached.value;
    }
    if (cached && age < ttlMs) return cached.value;
    try {
      const value = await fetch();
      this.write(key, value);
      return value;
    } catch (error) {
      if (!cached || !(error instanceof SignalsError) || error.code !== 'PROVIDER_UNAVAILABLE') throw error;
      this.options.warn(`${error.message}; using the cached copy from ${describeAge(age)} ago`, { key, fetched_at: cached.fetched_at });
      return cached.value;
    }
  }

  private file(key: string): string {
    return join(this.options.dir, `${createHash('sha1').update(key).digest('hex')}.json`);
  }

  private read<T>(key: string): Entry<T> | undefined {
    try {
      const entry = JSON.parse(readFileSync(this.file(key), 'utf8')) as Entry<T>;
      return entry.key === key && typeof entry.fetched_at === 'string' ? entry : undefined;
    } catch {
      // Missing, unreadable or damaged: as if never cached.
      return undefined;
    }
  }

  private write<T>(key: string, value: T): void {
    try {
      mkdirSync(this.options.dir, { recursive: true });
      const file = this.file(key);
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ key, fetched_at: new Date(this.now()).toISOString(), value } satisfies Entry<T>));
      renameSync(tmp, file);
    } catch (error) {
      // A cache that cannot be written costs a fetch next time, nothing more.
      this.options.warn('could not write the provider cache', { dir: this.options.dir, error: String(error) });
    }
  }
}
