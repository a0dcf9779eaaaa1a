// package.json's `engines` against the Node APIs newer than 20.0 that the shipped code uses: npm warns on an older Node at install, not a crash at the first use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every API newer than Node 20.0.0 that src/ uses, each with the first 20.x release that has it. Found by walking src/
 * with the type checker for declarations whose @types/node `@since` is later than 20.0.0 (only zlib.crc32), and by hand
 * for the web globals, which @types/node does not date. A use of a newer API belongs here, with its version.
 */
const NEWER_THAN_20_0 = [
  { api: 'zlib.crc32', since: '20.15.0', file: 'src/log/record.ts', use: /import \{ crc32 \} from 'node:zlib'/ },
  { api: 'AbortSignal.any', since: '20.3.0', file: 'src/agents/sentiment/llm.ts', use: /AbortSignal\.any\(/ },
];

const version = (v: string) => v.split('.').map(Number) as [number, number, number];
const byVersion = (a: string, b: string) => {
  const [x, y] = [version(a), version(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
};

describe('engines', () => {
  it('lists APIs the code still uses', () => {
    for (const { api, file, use } of NEWER_THAN_20_0) expect(readFileSync(join(root, file), 'utf8'), api).toMatch(use);
  });

  it('asks for the first Node that has all of them', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
    const needed = NEWER_THAN_20_0.map((a) => a.since)
      .sort(byVersion)
      .at(-1)!;
    expect(pkg.engines.node).toBe(`>=${needed}`);
  });
});
