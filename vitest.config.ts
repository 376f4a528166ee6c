import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most suites wait on sockets, child processes and rate limits rather than compute, so
    // even a two-core machine runs two files at once (vitest's default would be one there).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
