import { configDefaults, defineConfig } from 'vitest/config';

/** Files that assert on request rates in real time: they run after the rest, so that no busy worker upsets their timing. */
const TIMING = ['test/shared-rate-budget.test.ts', 'test/shared-rate-throttle.test.ts'];

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
    // A worker runs file after file in one process instead of starting a fresh one for each: starting
    // vitest and importing the package again for each of ~60 files cost about a third of the suite's time
    // (54 s against 38 s here). Each file cleans up after itself: its servers, timers and environment.
    isolate: false,
    projects: [
      { extends: true, test: { name: 'parallel', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...TIMING] } },
      // After every other file: squeezed between three busy workers, their processes start late and
      // send in bursts, and the measured rates miss their bounds (seen under parallel load). The two
      // files run side by side: together they add only about 30 requests a second.
      { extends: true, test: { name: 'timing', include: TIMING, sequence: { groupOrder: 1 } } },
    ],
  },
});
