import { configDefaults, defineConfig } from 'vitest/config';

// Five projects: `npm test` runs `main`; the package install test, the benchmark smoke run and the first-hour run (a fresh
// clone installed as the README says, its dashboard in tmux) take tens of seconds of both cores each, and the report's
// browser test needs Chromium, so they have scripts of their own (`npm run test:package`, `npm run bench:smoke`,
// `npm run test:first-hour`, `npm run test:browser`) that CI runs after it.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: [...configDefaults.exclude, 'test/package/**', 'test/bench/smoke.test.ts', 'test/browser/**', 'test/first-hour/**'],
        },
      },
      { extends: true, test: { name: 'package', include: ['test/package/**/*.test.ts'] } },
      { extends: true, test: { name: 'bench-smoke', include: ['test/bench/smoke.test.ts'] } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'] } },
      { extends: true, test: { name: 'first-hour', include: ['test/first-hour/**/*.test.ts'] } },
    ],
  },
});
