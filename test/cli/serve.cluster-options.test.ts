// `signals serve --redis-url`: a URL and a lease time within their forms, options that do not apply refused, an unreachable Redis exit 6.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { run, spawnCli } from '../helpers/cli.js';

const refused: [string, string[], Record<string, string>, string][] = [
  [
    'a URL of another scheme',
    ['--redis-url', 'http://127.0.0.1:6379'],
    {},
    '--redis-url must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0, got "http://127.0.0.1:6379"',
  ],
  [
    'a database beyond 15, from the environment',
    [],
    { SIGNALS_REDIS_URL: 'redis://127.0.0.1:6379/16' },
    'SIGNALS_REDIS_URL: the database is a number from 0 to 15 after the host (redis://host:6379/0), got "16"',
  ],
  ['a URL with no host', ['--redis-url', 'redis://'], {}, '--redis-url "redis://" names no host; e.g. redis://127.0.0.1:6379/0'],
  [
    'a lease too short to renew',
    ['--redis-url', 'redis://127.0.0.1:6379', '--lease-ms', '100'],
    {},
    '--lease-ms must be from 300 to 600000, got 100',
  ],
  ['a lease time without a Redis', ['--lease-ms', '1000'], {}, '--lease-ms applies only with --redis-url (a cluster of nodes)'],
  [
    'a webhook in a cluster, from the environment',
    ['--redis-url', 'redis://127.0.0.1:6379'],
    { SIGNALS_WEBHOOKS: 'http://127.0.0.1:9/hook' },
    'SIGNALS_WEBHOOKS does not apply with --redis-url yet: webhooks run on a single node',
  ],
  [
    'a state dir and fsync policy beside a Redis',
    ['--redis-url', 'redis://127.0.0.1:6379', '--state-dir', '/tmp', '--fsync', 'always'],
    {},
    '--state-dir, --fsync do not apply with --redis-url: the signal log is kept in Redis',
  ],
];

describe('signals serve --redis-url', () => {
  for (const [name, args, env, message] of refused) {
    it(`refuses ${name}: exit 2, one line`, () => {
      const r = run(['serve', '--port', '0', ...args], env, 10_000);
      expect(r).toMatchObject({ code: 2, stdout: '', stderr: `signals: ${message}\n` });
    });
  }

  it('exits 6 when Redis cannot be reached, naming the URL without its password', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const serve = spawnCli(['serve', '--port', '0', '--redis-url', `redis://:hunter2@127.0.0.1:${port}/0`]);
    expect(await serve.exited).toBe(6);
    expect(serve.stderr()).toContain(`signals: cannot reach Redis at redis://:***@127.0.0.1:${port}/0: connect ECONNREFUSED`);
    expect(serve.stderr()).not.toContain('hunter2');
  });
});
