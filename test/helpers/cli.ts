// Runs the built CLI as a real process: to completion (`run`), in the background (`spawnCli`), or `serve` in the background (`spawnServe`).
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/signals.cjs', import.meta.url));

/**
 * The test's environment without the variables that steer colour or CI detection, a state dir of its
 * own (so that servers started side by side never share a signal log), a config folder with no config
 * file (so that the config file of whoever runs the tests changes nothing), plus `extra`.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of ['NO_COLOR', 'FORCE_COLOR', 'CI', 'NODE_DISABLE_COLORS', 'SIGNALS_CONFIG']) delete env[key];
  return {
    ...env,
    SIGNALS_STATE_DIR: mkdtempSync(join(tmpdir(), 'signals-state-')),
    // A folder that does not exist: no config file, for any user (a test may run the CLI as nobody).
    XDG_CONFIG_HOME: join(tmpdir(), `signals-no-config-${randomUUID()}`),
    ...extra,
  };
}

/** Runs the CLI to the end; a process still running after `timeoutMs` is killed (`code` is then null). */
export function run(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: cleanEnv(env),
    timeout: timeoutMs,
    // A universe backtest's JSON runs to tens of megabytes.
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The CLI in the background, for a test that serves it from this process (where `run` would block the server):
 * `exited` resolves with the exit code; `stdout()` and `stderr()` hold what it wrote so far.
 */
export function spawnCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv(env) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** `signals serve --port 0 ...args` in the background; `url` resolves from its listening line. */
export function spawnServe(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { env: cleanEnv(env) });
  let log = '';
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = new Promise<string>((resolve, reject) => {
    // A data folder's own symbols are run over their history before the server listens (seconds; more on a loaded machine).
    const timer = setTimeout(() => reject(new Error(`no listening line: ${log}`)), 30_000);
    child.stderr.on('data', () => {
      const m = /"url":"(ws:\/\/[^"]+)"/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`exited before listening: ${log}`));
    });
  });
  // A failed start is reported through `url`; keep a rejection nobody awaited from failing the run.
  url.catch(() => undefined);
  return { child, url, exited, log: () => log };
}
