// The CLI's V8 code cache (bin/signals.cjs), made by an analysis and a ranking of the universe once the build has
// written all that they read (the market cache, the evidence, the sentiment model): the starts the bench times then
// compile almost nothing.
import { spawnSync } from 'node:child_process';

const made = spawnSync(
  process.execPath,
  ['-e', "require('./bin/signals.cjs').writeCodeCache([['analyze', 'AAPL', '--json'], ['rank', '--universe', 'sp500', '--json']])"],
  {
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
if (made.status !== 0) throw new Error('the code cache of dist/cli/main.cjs could not be made');
