import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // SQLite files and child processes: keep files isolated but do not oversubscribe 2 cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
