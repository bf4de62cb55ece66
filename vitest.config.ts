import { configDefaults, defineConfig } from 'vitest/config';

/** Files that assert on request rates in real time: they need the CPU to themselves to keep their timing. */
const TIMING = ['test/shared-rate.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    // Most test files wait on child processes (the CLI, npm, tsc, redis-server) and loopback sockets,
    // not on this process's CPU. Vitest's default, one worker fewer than the cores, runs them one after
    // another on a 2-core machine; three workers overlap that waiting (measured on a shared 2-core machine:
    // 72 s and 88 s with three, 91-104 s with four, which only adds CPU contention).
    maxWorkers: 3,
    projects: [
      { extends: true, test: { name: 'parallel', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...TIMING] } },
      // Run after every other file, alone: squeezed between three busy workers, their processes start
      // late and send in bursts, and the measured rates miss their bounds (seen under parallel load).
      { extends: true, test: { name: 'timing', include: TIMING, sequence: { groupOrder: 1 } } },
    ],
  },
});
