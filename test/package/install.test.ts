// The package as a user gets it: `npm pack`, the tarball installed into an empty project and globally (dependencies from
// the registry), the installed `signals` run from another folder, and a TypeScript consumer of the client type-checked.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

/** What a TypeScript user writes (the README's example). Each @ts-expect-error fails the check if the types were `any`. */
const CONSUMER = `import { SignalsClient, type ClientState } from '${pkg.name}/client';

const client = new SignalsClient({ url: 'ws://127.0.0.1:8000/ws/signals', token: process.env.SIGNALS_TOKEN });
client.on('signal_update', (m) => {
  const symbol: string = m.data.symbol;
  const confidence: number = m.data.confidence;
  // @ts-expect-error: a symbol is a string
  const wrong: number = m.data.symbol;
  console.log(symbol, m.data.action, confidence, wrong);
});
client.on('server_error', (m) => console.error(m.code, m.error));
client.on('state', (state: ClientState) => console.log(state.status));
// @ts-expect-error: not a message type of the protocol
client.on('signal_updated', () => {});
await client.connect();
client.subscribe(['AAPL', 'MSFT']);
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    // As most projects have it: checking every library's own declarations takes 20 s more here.
    skipLibCheck: true,
    types: ['node'],
  },
  files: ['consumer.ts'],
};

describe(`npm pack, then npm install ${pkg.name}-${pkg.version}.tgz`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'signals-package-'));
  const project = join(dir, 'project');
  const globalPrefix = join(dir, 'global');
  const elsewhere = join(dir, 'elsewhere');
  let packed: Packed;
  let shipped: Set<string>;

  beforeAll(async () => {
    // Packs what the build made (`npm run test:package` builds first). --ignore-scripts: `prepack` and `prepare` would
    // rebuild dist/ in place under any other test run of this checkout.
    for (const file of ['dist/cli/main.cjs', 'dist/client.js', 'dist/types/client/client.d.ts']) {
      if (!existsSync(join(root, file))) throw new Error(`${file} is missing: run \`npm run build && npm run build:types\` first`);
    }
    const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root });
    [packed] = JSON.parse(pack.stdout) as [Packed];
    shipped = new Set(packed.files.map((f) => f.path));
    const tarball = join(dir, packed.filename);

    mkdirSync(project);
    mkdirSync(elsewhere);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(join(project, 'consumer.ts'), CONSUMER);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG));
    // Cached packages are taken from npm's cache; the rest come from the registry. The two installs run side by side.
    const flags = ['--prefer-offline', '--no-audit', '--no-fund'];
    const started = Date.now();
    const [local, global] = await Promise.all([
      run('npm', ['install', ...flags, tarball, `@types/node@${pkg.devDependencies['@types/node']}`], { cwd: project }),
      run('npm', ['install', ...flags, '--global', '--prefix', globalPrefix, tarball], { cwd: elsewhere }),
    ]);
    console.log(
      [
        `${packed.filename}: ${packed.files.length} files, ${(packed.size / 1024).toFixed(0)} KB packed, ${(packed.unpackedSize / 1024).toFixed(0)} KB unpacked`,
        `npm install (project and --global) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        `project: ${(local.stdout + local.stderr).trim()}`,
        `global: ${(global.stdout + global.stderr).trim()}`,
      ].join('\n'),
    );
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ships the CLI, the client with its types, the web view, the model, the data and the licences; no sources, tests, benchmarks or maintainer scripts', () => {
    for (const file of [
      'package.json',
      'README.md',
      'bin/signals.cjs',
      'dist/cli/main.cjs',
      'dist/cli/main.cjs.cache',
      'dist/cli/serve.js',
      'dist/client.js',
      'dist/types/client/client.d.ts',
      'dist/types/protocol/messages.d.ts',
      'dist/sentiment-model.bin',
      'dist/THIRD-PARTY-LICENSES.md',
      'dist/web/index.html',
      'dist/web/assets/main.js',
      'dist/web/assets/THIRD-PARTY-LICENSES.txt',
      'LICENSE',
      'BENCHMARKS.md',
      'data/SOURCES.md',
      'data/daily/AAPL.csv.gz',
      'docs/protocol.md',
      'docs/backtest.md',
    ]) {
      expect(shipped, file).toContain(file);
    }
    const unwanted = [...shipped].filter((f) =>
      /^(src|test|bench|scripts|\.ci)\/|^dist\/(bench|scripts|dev)\/|\.test\.|^tsconfig|\.tsbuildinfo$/.test(f),
    );
    expect(unwanted).toEqual([]);
  });

  it('ships every module that a shipped module imports, and declares every package it imports as a dependency', () => {
    const missing: string[] = [];
    for (const file of shipped) {
      if (!file.endsWith('.js')) continue;
      const { importedFiles } = ts.preProcessFile(readFileSync(join(root, file), 'utf8'), true, true);
      for (const { fileName: spec } of importedFiles) {
        if (spec.startsWith('.')) {
          const target = join(file, '..', spec);
          if (!shipped.has(target)) missing.push(`${file} imports ${target}, which is not in the package`);
          continue;
        }
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!isBuiltin(spec) && !(name in pkg.dependencies)) missing.push(`${file} imports ${spec}, which is not in "dependencies"`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('leaves nothing for git to pick up when `npm pack` writes its tarball into the checkout', () => {
    const r = spawnSync('git', ['check-ignore', '--no-index', packed.filename], { cwd: root, encoding: 'utf8' });
    expect(r.stdout.trim(), r.stderr).toBe(packed.filename);
  });

  it('installs a `signals` command that prints the package version', () => {
    for (const bin of [join(project, 'node_modules', '.bin', 'signals'), join(globalPrefix, 'bin', 'signals')]) {
      const r = spawnSync(bin, ['--version'], { cwd: elsewhere, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });

  it('analyses AAPL on the bundled data from any folder, as JSON', () => {
    const r = spawnSync(join(globalPrefix, 'bin', 'signals'), ['analyze', 'AAPL', '--json'], {
      cwd: elsewhere,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { symbol: string };
    expect(result.symbol).toBe('AAPL');
    console.log(`signals analyze AAPL --json: ${r.stdout.length} bytes of JSON, keys ${Object.keys(result).join(', ')}`);
  });

  it("the README's first commands install the tarball `npm pack` writes, not a name the registry does not have", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const first = /```sh\n([^]*?)```/.exec(readme)![1]!;
    const commands = first.split('\n').map((line) => line.replace(/#.*/, '').trim());
    expect(commands.slice(0, 2)).toEqual(['npm install && npm pack', `npm install -g ./${packed.filename}`]);
  });

  it("the README's client example type-checks in a project made as the README says, with `tsc --init`'s defaults", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### The typed client'));
    const steps = /```sh\n([^]*?)```/.exec(section)![1]!;
    expect(steps).toContain(`npm install /path/to/${packed.filename} typescript`);
    expect(steps).toContain('npx tsc --init');
    const example = /```ts\n([^]*?)```/.exec(section)![1]!;
    // Beside the installed package (resolved from the folder above); @types/node is installed there too, and
    // `tsc --init`'s `"types": []` leaves it out, as in a project that never installed it.
    const fresh = join(project, 'fresh');
    mkdirSync(fresh);
    writeFileSync(join(fresh, 'package.json'), JSON.stringify({ name: 'my-signals', private: true, type: 'module' }));
    expect(spawnSync(process.execPath, [tsc, '--init'], { cwd: fresh, encoding: 'utf8' }).status).toBe(0);
    writeFileSync(join(fresh, 'index.ts'), example);
    const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', fresh], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it('types the client for a TypeScript consumer (`import { SignalsClient } from "<package>/client"`)', () => {
    const r = spawnSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
