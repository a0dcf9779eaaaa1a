// Build: bundles the CLI and the maintainer scripts with esbuild (tree-shaken, so `analyze` loads only what it
// needs), then trains the embedded sentiment model. Type checking is `npm run typecheck`.
import { build } from 'esbuild';

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
  external: ['zod', 'ws', 'ink', 'react', 'react/*', 'jose', 'prom-client', 'ink-testing-library'],
  // Commander is CommonJS and requires Node's built-in modules; ES module output has no `require` of its own.
  banner: { js: "import { createRequire as __signalsCreateRequire } from 'node:module'; const require = __signalsCreateRequire(import.meta.url);" },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
};

// What the package ships: the CLI and the client, with their chunks in dist/chunks.
await build({ ...options, entryPoints: { 'cli/main': 'src/cli/main.ts', client: 'src/client/client.ts' } });

// Maintainer scripts and benchmarks, with chunks of their own (dist/dev), so that `files` in package.json can leave
// them out of the package without leaving out a chunk the CLI needs.
await build({
  ...options,
  chunkNames: 'dev/[name]-[hash]',
  entryPoints: {
    'scripts/train-sentiment': 'scripts/train-sentiment.ts',
    'scripts/eval-sentiment': 'scripts/eval-sentiment.ts',
    'scripts/bundle-data': 'scripts/bundle-data.ts',
    'bench/run': 'bench/run.ts',
    'bench/client-worker': 'bench/client-worker.ts',
    'bench/baseline-server': 'bench/baseline-server.ts',
    'bench/fuzz': 'bench/fuzz.ts',
  },
});

// The pre-parsed cache of the bundled market data (dist/market-cache, see src/market/cache.ts), so that `analyze`
// reads the few hundred rows it needs instead of parsing whole CSV files. Bundled and run here, apart from the above.
await build({
  entryPoints: { 'scripts/build-market-cache': 'scripts/build-market-cache.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
});
await import('../dist/scripts/build-market-cache.js');
