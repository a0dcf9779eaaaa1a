import { configDefaults, defineConfig } from 'vitest/config';

// Four projects: `npm test` runs `main`; the package install test and the benchmark smoke run take tens of seconds of
// both cores each, and the report's browser test needs Chromium, so they have scripts of their own (`npm run test:package`,
// `npm run bench:smoke`, `npm run test:browser`) that CI runs after it.
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
          exclude: [...configDefaults.exclude, 'test/package/**', 'test/bench/**', 'test/browser/**'],
        },
      },
      { extends: true, test: { name: 'package', include: ['test/package/**/*.test.ts'] } },
      { extends: true, test: { name: 'bench-smoke', include: ['test/bench/**/*.test.ts'] } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'] } },
    ],
  },
});
