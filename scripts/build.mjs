// Build: bundles the CLI, the web view and the maintainer scripts with esbuild (tree-shaken, so `analyze` loads only
// what it needs), then trains the embedded sentiment model. Type checking is `npm run typecheck`.
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

/**
 * Node's built-in modules by `require`, not `import`: importing one makes Node build its ES module facade, which reads
 * every export, so `import { readFileSync } from 'node:fs'` alone loaded fs/promises, readline and the streams (a few
 * ms of every start); esbuild's wrapper of a required module reads an export only when it is used. And commander
 * requires node:child_process as it loads, for subcommands run as executables of their own, which signals has none of:
 * the bundled commander gets an object that loads it (with net and dgram under it) on first use.
 */
const builtinsOnUse = {
  name: 'builtins-on-use',
  setup(build) {
    // The require inside the modules below: Node's own.
    build.onResolve({ filter: /^node:/, namespace: 'required-builtin' }, (args) => ({ path: args.path, external: true }));
    build.onResolve({ filter: /^node:/, namespace: 'lazy-builtin' }, (args) => ({ path: args.path, external: true }));
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('/node_modules/commander/') ? { path: 'node:child_process', namespace: 'lazy-builtin' } : undefined,
    );
    build.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'import-statement' ? { path: args.path, namespace: 'required-builtin' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      contents: `let real; module.exports = new Proxy({}, { get: (_, key) => (real ??= require(${JSON.stringify(args.path)}))[key] });`,
      loader: 'js',
    }));
    build.onLoad({ filter: /.*/, namespace: 'required-builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * New York's daylight-saving days of the years before this one, from this platform's time zones by the code's own
 * function, written into the code (src/market/session.ts): a table lookup instead of Intl's costly first use at start-up.
 */
async function newYorkDst() {
  const { outputFiles } = await build({ entryPoints: ['src/market/session.ts'], bundle: true, format: 'esm', write: false, logLevel: 'warning' });
  const { dstPeriods } = await import(`data:text/javascript,${encodeURIComponent(outputFiles[0].text)}`);
  return JSON.stringify(dstPeriods(1970, new Date().getUTCFullYear() - 1));
}

const options = {
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  jsx: 'automatic',
  // Bundled, for `analyze`'s start-up: trading-signals, so only the indicators we use load (its full import takes about
  // 40 ms), and commander and chalk, which then load as part of our code rather than as packages resolved from
  // node_modules. The rest stay ordinary imports.
  external: ['zod', 'ws', 'ink', 'react', 'react/*', 'jose', 'prom-client', 'ioredis', 'ink-testing-library'],
  // Commander is CommonJS and requires Node's built-in modules; ES module output has no `require` of its own.
  banner: { js: "import { createRequire as __signalsCreateRequire } from 'node:module'; const require = __signalsCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  plugins: [builtinsOnUse],
  define: { NEW_YORK_DST: await newYorkDst() },
  logLevel: 'warning',
};

/** The licence of each package whose code a build bundled: theirs (MIT) ask that it go with every copy of the code. */
function licences({ inputs }) {
  const packages = new Set(Object.keys(inputs).flatMap((file) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []));
  const sections = [...packages].sort().map((dir) => {
    const { name, version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
    // fancy-canvas (lightweight-charts' own) publishes no licence file; its package.json and its authors' say MIT.
    if (!file && !license) throw new Error(`${name} has no licence file to ship with the code of it that we bundle`);
    const text = file ? readFileSync(join(dir, file), 'utf8').trim() : `The package ships no licence file; its package.json declares ${license}.`;
    return `## ${name} ${version} (${license})\n\n${text}\n`;
  });
  return ['# Third-party licences\n\nThe code in dist/ includes code from these packages.\n', ...sections].join('\n');
}

// Chunks are named by their content: without this, every build would leave the previous build's beside its own, and
// the package would carry them all. The web view's files too: serve answers every file in dist/web/assets.
for (const dir of ['dist/cli', 'dist/chunks', 'dist/dev', 'dist/web']) rmSync(dir, { recursive: true, force: true });

/**
 * The commands that run as ES modules, loaded by the CLI when run: those that load packages a CommonJS bundle cannot
 * require (ink, with its top-level await, for watch; jose for serve) or that start worker threads from their own file
 * (backtest), and the rest that are not about start-up.
 */
const ES_COMMANDS = ['serve', 'watch', 'backtest', 'data', 'history', 'repair'];

// What the package ships: the client and those commands as ES modules, with their chunks in dist/chunks.
const shipped = await build({
  ...options,
  minifyWhitespace: true,
  metafile: true,
  entryPoints: { client: 'src/client/client.ts', ...Object.fromEntries(ES_COMMANDS.map((c) => [`cli/${c}`, `src/cli/${c}.ts`])) },
});

/** The CLI's dynamic imports of the ES module commands, left to Node to load from dist/cli at run time. */
const esCommands = {
  name: 'es-commands',
  setup(build) {
    const filter = new RegExp(`^\\./(${ES_COMMANDS.join('|')})\\.js$`);
    build.onResolve({ filter }, (args) => (args.importer.endsWith('/src/cli/main.ts') ? { path: args.path, external: true } : undefined));
  },
};

/**
 * The CLI itself (the program, analyze, rank, symbols, schema and config) as one CommonJS file, which bin/signals.cjs
 * compiles with the V8 code cache made below: no ES module loader, no module graph to resolve, and the functions an
 * analysis runs already compiled. Whitespace and comments are left out (V8 scans every byte of a file it loads);
 * names are kept, for readable stack traces.
 */
const cli = await build({
  ...options,
  splitting: false,
  format: 'cjs',
  minifyWhitespace: true,
  metafile: true,
  write: false,
  outExtension: { '.js': '.cjs' },
  entryPoints: { 'cli/main': 'src/cli/main.ts' },
  define: { ...options.define, 'import.meta.url': '__signalsModuleUrl' },
  banner: { js: "const __signalsModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [builtinsOnUse, esCommands],
});
// Its import() calls (the ES module commands, and packages loaded on use) go through the function bin/signals.cjs
// passes in: code compiled by `vm` cannot call import() without an experimental flag.
for (const file of cli.outputFiles) {
  const text = file.text.replaceAll('import("', '__signalsImport("');
  if (/\bimport\s*\(/.test(text)) throw new Error(`${file.path}: an import() whose argument is not a string literal`);
  writeFileSync(file.path, text);
}

// The web view that `serve` answers GET / with (src/server/web.ts): one script and one style sheet for browsers, the page
// and its icon, and the licences of what the script bundles (lightweight-charts' among them), served beside it.
const web = await build({
  entryPoints: ['src/web/main.ts', 'src/web/style.css'],
  outdir: 'dist/web/assets',
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: ['chrome111', 'firefox111', 'safari16.4'],
  metafile: true,
  logLevel: 'warning',
});
copyFileSync('src/web/index.html', 'dist/web/index.html');
copyFileSync('src/web/icon.svg', 'dist/web/assets/icon.svg');
writeFileSync('dist/web/assets/THIRD-PARTY-LICENSES.txt', licences(web.metafile));
writeFileSync('dist/THIRD-PARTY-LICENSES.md', licences({ inputs: { ...shipped.metafile.inputs, ...cli.metafile.inputs, ...web.metafile.inputs } }));

// Maintainer scripts and benchmarks, with chunks of their own (dist/dev), so that `files` in package.json can leave
// them out of the package without leaving out a chunk the CLI needs.
await build({
  ...options,
  chunkNames: 'dev/[name]-[hash]',
  entryPoints: {
    'scripts/train-sentiment': 'scripts/train-sentiment.ts',
    'scripts/eval-sentiment': 'scripts/eval-sentiment.ts',
    'scripts/bundle-data': 'scripts/bundle-data.ts',
    'scripts/bundle-universe': 'scripts/bundle-universe.ts',
    'scripts/universe-coverage': 'scripts/universe-coverage.ts',
    'scripts/build-sp500-evidence': 'scripts/build-sp500-evidence.ts',
    'scripts/screenshot-web': 'scripts/screenshot-web.ts',
    'bench/run': 'bench/run.ts',
    'bench/client-worker': 'bench/client-worker.ts',
    'bench/baseline-server': 'bench/baseline-server.ts',
    'bench/fuzz': 'bench/fuzz.ts',
  },
});

// The pre-parsed cache of the bundled market data (dist/market-cache, see src/market/cache.ts), so that `analyze`
// reads the few hundred rows it needs instead of parsing whole CSV files. Bundled and run here, apart from the above.
await build({
  entryPoints: { 'scripts/build-market-cache': 'scripts/build-market-cache.ts', 'scripts/build-evidence': 'scripts/build-evidence.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
await import('../dist/scripts/build-market-cache.js');
// Then the built-in agents' monthly record over the bundled history and its evidence book (dist/evidence.json, see
// src/core/evidence-store.ts), read from that cache, so that an analysis only looks its month up.
await import('../dist/scripts/build-evidence.js');
