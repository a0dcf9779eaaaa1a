// Debian's headless Chromium driven over the DevTools protocol, for the browser tests and the web view's screenshot.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

/** Debian's package (`.ci/run` installs it when it is missing), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

type Params = Record<string, unknown>;

export interface Cdp {
  send(method: string, params?: object): Promise<Params>;
  on(method: string, listener: (params: Params) => void): void;
  /** The value of a JavaScript expression in the page (awaited when it is a promise). */
  evaluate(expression: string): Promise<unknown>;
}

export interface Browser {
  cdp: Cdp;
  close(): Promise<void>;
}

/** A DevTools session on the browser's first page. */
async function devtools(browserUrl: string): Promise<{ cdp: Cdp; socket: WebSocket }> {
  const { port } = new URL(browserUrl);
  const pages = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as { type: string; webSocketDebuggerUrl: string }[];
  const socket = new WebSocket(pages.find((p) => p.type === 'page')!.webSocketDebuggerUrl);
  await new Promise((resolve) => socket.once('open', resolve));
  let id = 0;
  const pending = new Map<number, { resolve: (result: Params) => void; reject: (error: Error) => void }>();
  const listeners = new Map<string, ((params: Params) => void)[]>();
  socket.on('message', (data) => {
    const m = JSON.parse((data as Buffer).toString()) as {
      id?: number;
      result?: Params;
      error?: { message: string };
      method?: string;
      params?: Params;
    };
    if (m.id !== undefined) {
      const call = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) call?.reject(new Error(m.error.message));
      else call?.resolve(m.result ?? {});
    } else if (m.method) for (const l of listeners.get(m.method) ?? []) l(m.params ?? {});
  });
  const send = (method: string, params: object = {}) =>
    new Promise<Params>((resolve, reject) => {
      pending.set(++id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });
  const cdp: Cdp = {
    send,
    on: (method, listener) => listeners.set(method, [...(listeners.get(method) ?? []), listener]),
    evaluate: async (expression) => {
      const r = await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
      if (r.exceptionDetails) throw new Error(`in the page: ${JSON.stringify(r.exceptionDetails).slice(0, 500)}`);
      return (r.result as { value: unknown }).value;
    },
  };
  return { cdp, socket };
}

/** Starts a headless Chromium on about:blank with a profile of its own; `close` kills it and removes the profile. */
export async function launchChromium(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'signals-chromium-'));
  // The flags Chromium needs on a machine with no network and no display (see the machine notes).
  const child: ChildProcess = spawn(
    CHROMIUM,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    // A process group of its own, so that `close` ends its helper processes with it.
    { detached: true },
  );
  /** Signals Chromium's process group; it may be gone already. */
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // ESRCH: nothing left to end.
    }
  };
  // Never outlive the process that started it, whatever way that ends.
  const orphan = () => signal('SIGKILL');
  process.once('exit', orphan);
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${err}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  const { cdp, socket } = await devtools(url);
  return {
    cdp,
    close: async () => {
      socket.close();
      if (child.exitCode === null && child.signalCode === null) {
        // The whole process group (Chromium's helpers too) with SIGTERM, which lets them close the profile; SIGKILL if not.
        const exited = new Promise((resolve) => child.once('exit', resolve));
        signal('SIGTERM');
        const killer = setTimeout(() => signal('SIGKILL'), 5_000);
        await exited;
        clearTimeout(killer);
      }
      process.off('exit', orphan);
      try {
        rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch {
        // A helper that outlived the browser still writing there: a profile left in the temporary folder harms nothing.
      }
    },
  };
}

/**
 * Resolves once `condition` (a JavaScript expression in the page) is truthy, checking every 100 ms; rejects with
 * `what` after `timeoutMs`.
 */
export async function waitFor(cdp: Cdp, condition: string, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cdp.evaluate(`Boolean(${condition})`))) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
