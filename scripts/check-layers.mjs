// Checks that imports between the folders of src/ follow the layering, and prints the import graph between them.
//
//   node scripts/check-layers.mjs           the graph between layers, then the check (exit 1 on a violation)
//   node scripts/check-layers.mjs --files   the graph between files (every src/ file and what it imports from src/)
//   node scripts/check-layers.mjs --dot     the graph between layers in Graphviz's DOT (`| dot -Tsvg > layers.svg`)
//
// Every `import`, `export ... from` and `import()` counts, type-only ones too: a type is a dependency as well. Files that
// import each other in a cycle fail the check too.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * What each layer may import directly besides itself; a layer may also import whatever those may (so `server`, which
 * names `core`, may import `orchestrator`, `agents`, `market`, `log` and `protocol` too). From the bottom up:
 * protocol <- market <- agents <- evidence <- orchestrator <- core <- server <- cli, with the market-data providers (on market) and the signal log beside the core's other
 * collaborators, the backtest and the webhooks beside the server (the backtest runs the core's analyses, the webhooks
 * send its publications), and the cluster's Broker beside them too (it connects a node's core to the others); the client
 * speaks only the protocol, and the UI (the terminal's) and the web view (a browser's) show what the client receives.
 */
const LAYERS = {
  protocol: [],
  market: ['protocol'],
  agents: ['market'],
  evidence: ['agents'],
  orchestrator: ['evidence'],
  log: ['protocol'],
  providers: ['market'],
  core: ['orchestrator', 'log', 'providers'],
  server: ['core'],
  backtest: ['core'],
  client: ['protocol'],
  ui: ['client'],
  web: ['client'],
  webhooks: ['core'],
  cluster: ['core'],
  cli: ['server', 'ui', 'backtest', 'webhooks', 'cluster'],
};
/**
 * Layers held to their direct edges: each may import only the layers named here (and the shared files), not what those
 * import in turn, so that the transport sees the core and not what lies under it, and the screens see the client.
 */
const DIRECT = {
  server: ['core', 'protocol'],
  ui: ['client', 'protocol'],
  web: ['client', 'protocol'],
};
/**
 * Imports past a direct edge that the tree still has, as `from -> to` under src/: each is a debt to pay, not a
 * permission. A new one fails the check, and so does one listed here that is gone (then strike it from the list).
 */
const BYPASSES = new Set(['server/bars.ts -> market/types.ts', 'server/history.ts -> log/signal-log.ts']);
/** Files directly in src/ that any layer may import; they import nothing from src/ themselves. */
const SHARED = ['version', 'backoff', 'logger'];

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const args = new Set(process.argv.slice(2));

function allowedFrom(layer, seen = new Set()) {
  for (const next of LAYERS[layer] ?? []) {
    if (!seen.has(next)) {
      seen.add(next);
      allowedFrom(next, seen);
    }
  }
  return seen;
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The module specifiers a file imports: static imports and re-exports at the top level, `import()` anywhere. */
function specifiers(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The layer of a path under src/: its first folder, or for a file directly in src/ its name without extension. */
const layerOf = (path) =>
  relative(src, path)
    .split(/[\\/]/)[0]
    .replace(/\.(ts|tsx|mts|js)$/, '');
/** `../market/store.js` as written in TypeScript sources, resolved to the file it names. */
const target = (from, spec) =>
  resolve(dirname(from), spec)
    .replace(/\.js$/, '.ts')
    .replace(/\.jsx$/, '.tsx');

const files = sourceFiles(src).sort();
const edges = [];
for (const file of files) {
  for (const spec of specifiers(file)) {
    if (spec.startsWith('.')) edges.push({ from: file, to: target(file, spec), spec });
  }
}

/** Files that import each other, directly or through others (Tarjan's strongly connected components), each as a cycle. */
function cycles() {
  const next = new Map(files.map((f) => [f, edges.filter((e) => e.from === f && e.to !== f).map((e) => e.to)]));
  const index = new Map();
  const low = new Map();
  const stack = [];
  const found = [];
  const visit = (v) => {
    index.set(v, index.size);
    low.set(v, index.get(v));
    stack.push(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) === index.get(v)) {
      const component = stack.splice(stack.indexOf(v));
      if (component.length > 1) found.push(shortestCycle(v, new Set(component), next));
    }
  };
  for (const f of files) if (!index.has(f)) visit(f);
  return found;
}

/** The shortest path from `start` back to itself within `group`, breadth first. */
function shortestCycle(start, group, next) {
  const before = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift();
    for (const w of next.get(v)) {
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(before.get(path[0]));
        return [...path, start];
      }
      if (group.has(w) && !before.has(w)) {
        before.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}

const problems = [];
const layerEdges = new Map();
const bypassed = new Set();
for (const { from, to, spec } of edges) {
  const a = layerOf(from);
  const where = `src/${relative(src, from)}`;
  if (relative(src, to).startsWith('..')) {
    problems.push(`${where} imports '${spec}', outside src/`);
    continue;
  }
  const b = layerOf(to);
  if (a === b) continue;
  const key = `${a} -> ${b}`;
  layerEdges.set(key, (layerEdges.get(key) ?? 0) + 1);
  if (SHARED.includes(a)) problems.push(`${where} imports '${spec}': src/${a} is shared by every layer and imports nothing from src/`);
  else if (!(a in LAYERS)) continue;
  else if (SHARED.includes(b)) continue;
  else if (a in DIRECT && !DIRECT[a].includes(b)) {
    const bypass = `${relative(src, from)} -> ${relative(src, to)}`;
    if (BYPASSES.has(bypass)) bypassed.add(bypass);
    else problems.push(`${where} imports '${spec}': ${a} may import only ${DIRECT[a].join(' and ')}, not what lies under them`);
  } else if (!allowedFrom(a).has(b)) problems.push(`${where} imports '${spec}': ${a} may not import ${b}`);
}
for (const bypass of BYPASSES) {
  if (!bypassed.has(bypass)) problems.push(`${bypass} is listed in BYPASSES but no longer imported: strike it from the list`);
}
const layers = [...new Set(files.map(layerOf))].sort();
for (const cycle of cycles()) problems.push(`import cycle: ${cycle.map((f) => `src/${relative(src, f)}`).join(' -> ')}`);
for (const layer of layers) {
  if (!(layer in LAYERS) && !SHARED.includes(layer)) {
    problems.push(`src/${layer} is in no layer: add it to LAYERS (or SHARED) in scripts/check-layers.mjs with what it may import`);
  }
}

if (args.has('--files')) {
  for (const file of files) {
    const imports = edges.filter((e) => e.from === file).map((e) => relative(src, e.to));
    console.log(`${relative(src, file)}${imports.length ? ` -> ${imports.join(', ')}` : ''}`);
  }
} else if (args.has('--dot')) {
  console.log('digraph layers {\n  rankdir=BT;');
  for (const [key, count] of [...layerEdges].sort()) {
    const [a, b] = key.split(' -> ');
    console.log(`  "${a}" -> "${b}" [label=${count}];`);
  }
  console.log('}');
} else {
  console.log(`Imports between the layers of src/ (number of import statements), ${files.length} files:`);
  for (const layer of layers) {
    const out = [...layerEdges].filter(([key]) => key.startsWith(`${layer} -> `)).map(([key, n]) => `${key.split(' -> ')[1]} (${n})`);
    console.log(`  ${layer.padEnd(13)} -> ${out.length ? out.join(', ') : '(nothing)'}`);
  }
}

if (problems.length > 0) {
  console.error(`\n${problems.length} problem${problems.length === 1 ? '' : 's'} with the layering:`);
  for (const p of problems) console.error(`  ${p}`);
  process.exitCode = 1;
} else if (!args.has('--dot')) {
  console.log(
    `\nlayering: ok, no import cycles (protocol <- market <- agents <- orchestrator <- core (+ log, providers) <- server <- cli; protocol <- client <- ui <- cli; protocol <- client <- web); ${Object.keys(DIRECT).join(', ')}: direct edges only, ${BYPASSES.size} known bypass${BYPASSES.size === 1 ? '' : 'es'} (BYPASSES)`,
  );
}
