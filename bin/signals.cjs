#!/usr/bin/env node
// The `signals` command: runs dist/cli/main.cjs, compiled with the V8 code cache the build made beside it.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { createRequire } = require('node:module');
const { dirname, join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { Script } = require('node:vm');

const FILE = join(__dirname, '..', 'dist', 'cli', 'main.cjs');
const CACHE = `${FILE}.cache`;

/**
 * The CLI's module. A cache answers only for the bundle and the V8 it was made with: its first line names both (a
 * SHA-1 of the bundle's text and V8's version), and V8 checks its own data again. Without a cache that answers, the
 * bundle is compiled as it would be by `require`, only slower.
 *
 * The bundle's `import()` calls reach Node's loader through `__signalsImport` (scripts/build.mjs): `import()` inside
 * code compiled by `vm` needs an experimental flag.
 */
function load(useCache = true) {
  const source = readFileSync(FILE, 'utf8');
  const key = `${process.versions.v8} ${createHash('sha1').update(source).digest('hex')}\n`;
  let cachedData;
  if (useCache) {
    try {
      const cache = readFileSync(CACHE);
      if (cache.toString('latin1', 0, key.length) === key) cachedData = cache.subarray(key.length);
    } catch {
      // No cache: compiled from the text.
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname, __signalsImport) {${source}\n})`, {
    filename: FILE,
    cachedData,
  });
  const module = { exports: {} };
  const importer = (specifier) => import(specifier.startsWith('./') ? pathToFileURL(join(dirname(FILE), specifier)).href : specifier);
  script.runInThisContext().call(module.exports, module.exports, createRequire(FILE), module, FILE, dirname(FILE), importer);
  return { main: module.exports.main, cached: cachedData !== undefined && !script.cachedDataRejected, script, key };
}

/**
 * For the build: runs the CLI on each of `argvs` compiled afresh, then writes the code cache of every function those
 * runs compiled, so that starts like them compile almost nothing.
 */
async function writeCodeCache(argvs) {
  const { main, script, key } = load(false);
  for (const argv of argvs) {
    const code = await main([process.execPath, FILE, ...argv]);
    if (code !== 0) throw new Error(`signals ${argv.join(' ')} exited ${code}: no code cache written`);
  }
  const temp = `${CACHE}.${process.pid}.tmp`;
  writeFileSync(temp, Buffer.concat([Buffer.from(key, 'latin1'), script.createCachedData()]));
  renameSync(temp, CACHE);
}

if (require.main === module) {
  let cli;
  try {
    cli = load();
  } catch (error) {
    // A checkout that was never built, or an install that lost its dist/: say so, not a stack trace.
    process.stderr.write(`signals: cannot load ${FILE} (${error.code ?? error.message}): run \`npm run build\`, or reinstall\n`);
    process.exit(1);
  }
  cli.main(process.argv).then((code) => (process.exitCode = code));
} else {
  module.exports = { load, writeCodeCache };
}
