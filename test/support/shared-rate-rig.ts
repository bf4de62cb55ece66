/**
 * What every shared-rate test file starts from: a real redis-server and a counting loopback console,
 * fresh for each test. The tests that measure rates in real time live in files of their own, which
 * vitest runs after the rest (the `timing` project in vitest.config.ts), side by side.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, it } from 'vitest';
import { Redis } from 'ioredis';
import { createClient, type ClientOptions, type QianfanClient } from 'qianfan-console';
import { startCountingConsole, type Arrival, type CountingConsole } from './counting-console.js';
import { startRedis, type RedisServer } from './redis-server.js';

export interface SharedRateRig {
  readonly redis: RedisServer;
  readonly fake: CountingConsole;
  /** A client of the counting console sharing qps 30 through the rig's Redis, one attempt a call; `options` override. */
  client(options?: ClientOptions): QianfanClient;
  /** Runs `read` with a connection of its own to the rig's Redis, closed after it. */
  inStore<T>(read: (store: Redis) => Promise<T>): Promise<T>;
}

const HAVE_REDIS_SERVER = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * A describe block that needs a redis-server: skipped, saying why, when none is installed (.ci/run
 * installs Debian's).
 */
export function describeWithRedis(title: string, body: () => void): void {
  if (HAVE_REDIS_SERVER) describe(title, body);
  else it.skip(`${title}: skipped, no redis-server on the PATH (apt-get install -y redis-server)`, () => undefined);
}

/** Registers the hooks in the calling file (when a redis-server is installed); the rig's servers are the current test's. */
export function useSharedRateRig(): SharedRateRig {
  let redis: RedisServer | undefined;
  let fake: CountingConsole | undefined;
  beforeEach(async () => {
    if (HAVE_REDIS_SERVER) [redis, fake] = await Promise.all([startRedis(), startCountingConsole()]);
  });
  afterEach(async () => {
    await Promise.all([redis?.stop(), fake?.close()]);
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the shared-rate rig starts in beforeEach');
    return value;
  };
  return {
    get redis() {
      return started(redis);
    },
    get fake() {
      return started(fake);
    },
    client(options = {}) {
      return createClient({
        accessKey: 'AK',
        secretKey: 'SK',
        baseUrl: started(fake).url,
        maxAttempts: 1,
        qps: 30,
        qpsStore: started(redis).url,
        ...options,
      });
    },
    async inStore(read) {
      const store = new Redis(started(redis).url);
      try {
        return await read(store);
      } finally {
        store.disconnect();
      }
    },
  };
}

/** A second for the store to answer: on a busy test machine a process starting up can miss 200 ms. */
export const PATIENT = { timeoutMs: 1000 };

export const sentBy = (worker: string, arrivals: readonly Arrival[]): Arrival[] => arrivals.filter((a) => a.worker === worker);

export const sentBetween = (arrivals: readonly Arrival[], start: number, end: number): Arrival[] => arrivals.filter((a) => a.sentAt >= start && a.sentAt < end);
