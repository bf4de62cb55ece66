import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Most test files wait on child processes (the CLI, npm, tsc, redis-server) and loopback sockets,
    // not on this process's CPU. Vitest's default, one worker fewer than the cores, runs them one after
    // another on a 2-core machine; four workers overlap that waiting and keep the suite under 40 s there.
    maxWorkers: 4,
  },
});
