// `serve` answers GET / with the web view by default, names it in its listening line, and turns it off with --no-web or "web": false in the config file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServe } from '../helpers/cli.js';

let serve: ReturnType<typeof spawnServe> | undefined;
afterEach(() => {
  serve?.child.kill('SIGKILL');
  serve = undefined;
});

const home = async (s: ReturnType<typeof spawnServe>) => fetch(`${(await s.url).replace('ws://', 'http://').replace('/ws/signals', '')}/`);

describe('signals serve: the web view', () => {
  it('is on by default: GET / is the page, and the listening line names its address', async () => {
    serve = spawnServe(['--symbols', 'SPY']);
    const response = await home(serve);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
    expect(await response.text()).toMatch(/^<!doctype html>/);
    expect(serve.log()).toMatch(/"web":"http:\/\/127\.0\.0\.1:\d+\/"/);
  });

  it('--no-web turns it off: GET / is 404, and the listening line does not name it', async () => {
    serve = spawnServe(['--symbols', 'SPY', '--no-web']);
    expect((await home(serve)).status).toBe(404);
    expect(serve.log()).not.toMatch(/"web":/);
  });

  it('"web": false in the config file turns it off too, and --web turns it back on', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'signals-web-config-')), 'config.json');
    writeFileSync(config, JSON.stringify({ web: false }));
    serve = spawnServe(['--symbols', 'SPY', '--config', config]);
    expect((await home(serve)).status).toBe(404);
    serve.child.kill('SIGKILL');
    serve = spawnServe(['--symbols', 'SPY', '--config', config, '--web']);
    expect((await home(serve)).status).toBe(200);
  });
});
