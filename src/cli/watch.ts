// `signals watch`: the live dashboard on a terminal, NDJSON protocol events otherwise.
import { ConnectError, describeNotRecovered, SignalsClient } from '../client/client.js';
import { SignalsError } from '../protocol/errors.js';
import { configPath, saveWatchlist } from './config.js';
import type { WatchOptions } from './options.js';
import { colorLevel, outputMode } from './output-mode.js';
import { buildService, type Service } from './serve.js';

/** Writes one line to stdout; false once stdout is gone (e.g. after `| head` exits). */
function writeLine(line: string): boolean {
  if (process.stdout.destroyed) return false;
  process.stdout.write(`${line}\n`);
  return true;
}

/**
 * Why a connection that never got the server's welcome failed, for the user: a server that answered the upgrade
 * with an HTTP status is there but is no signals endpoint (a wrong path, another service), which "nothing
 * answered" would misreport.
 */
function notConnected(error: ConnectError, url: string): SignalsError {
  if (error.httpStatus !== undefined) {
    return new SignalsError(
      'CONNECTION_FAILED',
      `the server at ${url} answered ${error.httpStatus}: not a signals endpoint; check the URL (signals serves ws://HOST:PORT/ws/signals)`,
    );
  }
  return new SignalsError('CONNECTION_FAILED', `nothing answered at ${url}; start \`signals serve\` there, or run \`signals watch --local\``);
}

/** `wanted`: symbols in canonical form, without repeats (the argument's parser sees to that). */
export async function runWatch(wanted: string[], options: WatchOptions): Promise<void> {
  const mode = outputMode({ json: options.json ?? false, isTTY: process.stdout.isTTY ?? false, ci: Boolean(process.env.CI) });
  let local: Service | undefined;
  let url = options.url;
  if (options.local) {
    local = await buildService({
      ...options,
      host: '127.0.0.1',
      port: 0,
      symbols: [],
      token: undefined,
      web: false,
      logLevel: mode === 'interactive' ? 'silent' : 'warn',
    });
    const port = await local.start();
    url = `ws://127.0.0.1:${port}/ws/signals`;
  }
  const client = new SignalsClient({ url, token: options.token });
  let welcome: Awaited<ReturnType<SignalsClient['connect']>>;
  try {
    welcome = await client.connect();
    const unknown = wanted.filter((s) => !welcome.symbols.includes(s));
    if (unknown.length > 0) {
      client.close();
      throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${unknown.join(', ')}; \`signals symbols\` lists them`);
    }
  } catch (error) {
    await local?.stop();
    if (error instanceof ConnectError && error.code === 'CONNECTION_FAILED') throw notConnected(error, url);
    throw error;
  }
  let finished: Promise<void> | undefined;
  const finish = () => {
    if (!finished) {
      finished = Promise.resolve().then(async () => {
        client.close();
        await local?.stop();
      });
    }
    return finished;
  };

  if (mode !== 'interactive') {
    client.on('message', (m) => {
      if (!writeLine(JSON.stringify(m))) void finish();
    });
    client.on('state', (s) => {
      if (s.status === 'reconnecting') process.stderr.write(`signals: connection lost (${s.reason}); reconnecting in ${Math.ceil(s.inMs / 1000)}s\n`);
    });
    // Recovered publications simply follow on stdout; a symbol that could not be recovered has a gap, said here.
    client.on('not_recovered', (n) => process.stderr.write(`signals: ${describeNotRecovered(n)}\n`));
    client.subscribe(wanted);
    await new Promise<void>((resolve) => {
      const stop = () => void finish().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      process.stdout.once('error', stop);
      client.on('state', (s) => {
        if (s.status === 'closed') stop();
      });
    });
    return;
  }

  const [{ render }, { createElement }, { Dashboard }, { wireDashboard }, { enterAlternateScreen }] = await Promise.all([
    import('ink'),
    import('react'),
    import('../ui/dashboard.js'),
    import('../ui/wire.js'),
    import('../ui/screen.js'),
  ]);
  const props = wireDashboard(client, {
    title: options.local ? 'local (in-process)' : url,
    symbols: wanted,
    agents: welcome.agents,
    universe: welcome.universe,
    colors: colorLevel(process.stdout, options.color) > 0,
    bell: options.bell ?? false,
    // Symbols added with + or removed with - are the watchlist `signals watch` shows next time without symbols.
    onWatchlist: (symbols) => saveWatchlist(symbols, configPath(options.config).path),
  });
  const leave = enterAlternateScreen(process.stdout);
  const app = render(createElement(Dashboard, props), { exitOnCtrlC: false });
  // Ctrl-C reaches the dashboard as a key; a signal from elsewhere ends it the same way, screen restored.
  const stop = () => app.unmount();
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.once(signal, stop);
  client.subscribe(wanted);
  try {
    await app.waitUntilExit();
  } finally {
    for (const signal of signals) process.off(signal, stop);
    leave();
    await finish();
  }
}
