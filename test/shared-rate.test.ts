/**
 * A qps budget shared through a real redis-server by separate processes, each running the built
 * library against one loopback console that notes when each request arrives.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { ConfigError, createClient } from 'qianfan-console';
import { busiestWindow, runWorkers, startCountingConsole, type Arrival, type CountingConsole } from './support/counting-console.js';
import { runCli } from './support/cli-process.js';
import { startRedis, type RedisServer } from './support/redis-server.js';

let redis: RedisServer;
let fake: CountingConsole;

beforeEach(async () => {
  [redis, fake] = await Promise.all([startRedis(), startCountingConsole()]);
});

afterEach(async () => {
  await Promise.all([redis.stop(), fake.close()]);
});

// A second for the store to answer: on a busy test machine a process starting up can miss 200 ms.
const patient = { timeoutMs: 1000 };
const from = (worker: string, arrivals: readonly Arrival[]): Arrival[] => arrivals.filter((a) => a.worker === worker);
const between = (arrivals: readonly Arrival[], start: number, end: number): Arrival[] => arrivals.filter((a) => a.sentAt >= start && a.sentAt < end);

describe('a qps budget shared through Redis', () => {
  it('three processes with qps 30 stay within 30 requests in any second, use most of the budget, and none is starved', async () => {
    const reports = await runWorkers(['a', 'b', 'c'], {
      baseUrl: fake.url,
      client: { qps: 30, qpsStore: redis.url, sharedRate: patient },
      concurrency: 4,
      durationMs: 2500,
    });
    const { arrivals } = fake;
    expect(busiestWindow(arrivals)).toBeLessThanOrEqual(30);
    // 2.5 s at 30 qps (and one call each before the start) is about 78 requests; at least 70 % of it used.
    expect(arrivals.length).toBeGreaterThanOrEqual(0.7 * 78);
    for (const name of ['a', 'b', 'c']) expect(from(name, arrivals).length).toBeGreaterThanOrEqual(arrivals.length / 6);
    for (const report of reports) expect(report).toMatchObject({ failures: {}, warnings: [] });
  });

  it('a throttle answer to one process slows every process down, and the rate climbs back to qps', async () => {
    // Process a gets three 429 answers once both processes are well under way; b is never throttled itself.
    let throttledAt: number | undefined;
    let throttled = 0;
    fake.throttle = ({ worker }) => {
      if (worker !== 'a' || fake.arrivals.length < 40 || throttled >= 3) return false;
      throttledAt ??= Date.now();
      throttled++;
      return true;
    };
    const sharedRate = { ...patient, decrease: 0.2, recoveryPerSecond: 6 };
    const reports = await runWorkers(['a', 'b'], {
      baseUrl: fake.url,
      client: { qps: 30, qpsStore: redis.url, qpsKey: 'throttle-test', sharedRate },
      concurrency: 4,
      durationMs: 7000,
    });
    const { arrivals } = fake;
    expect(throttledAt).toBeDefined();
    const t = throttledAt!;
    // The cut reached b: fewer of its requests in a second after the first throttle than in the second before.
    // The second after starts 300 ms on: slots b had reserved before the cut (at most three, about 105 ms
    // ahead) and a's round trip to learn of the 429 are not the cut's to stop.
    const bBefore = between(from('b', arrivals), t - 1000, t).length;
    const bAfter = between(from('b', arrivals), t + 300, t + 1300).length;
    expect(bAfter).toBeLessThan(bBefore * 0.6);
    // At 6 qps regained per second, the rate is back at 30 four seconds after the cut (from 6).
    expect(busiestWindow(between(arrivals, t + 4100, Infinity))).toBeGreaterThanOrEqual(0.8 * 30);
    expect(busiestWindow(arrivals)).toBeLessThanOrEqual(30);
    expect(reports.find((r) => r.name === 'a')?.failures).toEqual({ TooManyRequests: 3 });
    expect(reports.find((r) => r.name === 'b')?.failures).toEqual({});
    const store = new Redis(redis.url);
    try {
      expect(Number(await store.hget('qianfan-console:qps:throttle-test', 'rate'))).toBe(30);
    } finally {
      store.disconnect();
    }
  });

  it('with Redis killed mid-run no call fails, each process warns once, and rejoins the budget when Redis is back', async () => {
    fake.onArrival = () => {
      if (fake.arrivals.length === 20) void redis.stop();
      if (fake.arrivals.length === 60) void redis.start();
    };
    const reports = await runWorkers(['a', 'b', 'c'], {
      baseUrl: fake.url,
      client: { qps: 30, qpsStore: redis.url, qpsKey: 'outage-test', sharedRate: patient },
      concurrency: 2,
      durationMs: 3000,
    });
    for (const report of reports) {
      expect(report.failures).toEqual({});
      expect(report.ok).toBeGreaterThan(0);
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatch(
        new RegExp(
          `^the shared qps budget in redis://127\\.0\\.0\\.1:${redis.port}/0 is out of reach \\(.+\\); calls go on under this client's own limit of 30 qps until it answers again$`,
        ),
      );
      expect(report.debugLines.some((line) => line.includes('answers again'))).toBe(true);
    }
    // The restarted server started empty: the budget in it was written by the clients that rejoined.
    const store = new Redis(redis.url);
    try {
      expect(await store.exists('qianfan-console:qps:outage-test')).toBe(1);
    } finally {
      store.disconnect();
    }
  });

  it('a Redis that refuses connections, or accepts them and never answers, fails no call and warns once', async () => {
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const silentUrl = `redis://127.0.0.1:${(silent.address() as { port: number }).port}/0`;
    await redis.stop();
    try {
      for (const [qpsStore, reason] of [
        [redis.url, /ECONNREFUSED/],
        [silentUrl, /Command timed out/],
      ] as const) {
        const warnings: string[] = [];
        const client = createClient({
          accessKey: 'AK',
          secretKey: 'SK',
          baseUrl: fake.url,
          maxAttempts: 1,
          qps: 30,
          qpsStore,
          sharedRate: { timeoutMs: 100 },
          logger: { debug: () => undefined, warn: (line) => warnings.push(line) },
        });
        for (let i = 0; i < 3; i++) await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: 'x' });
        await client.close();
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(reason);
      }
    } finally {
      silent.close();
    }
    expect(fake.arrivals).toHaveLength(6);
  });

  it('X-Ratelimit-Limit-Requests (per minute) caps the shared rate below qps', async () => {
    fake.headers = { 'x-ratelimit-limit-requests': '600' };
    const client = createClient({
      accessKey: 'AK',
      secretKey: 'SK',
      baseUrl: fake.url,
      maxAttempts: 1,
      qps: 30,
      qpsStore: redis.url,
      qpsKey: 'header-test',
      sharedRate: patient,
    });
    const until = performance.now() + 1000;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < until) await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: 'x' });
      }),
    );
    await client.close();
    const store = new Redis(redis.url);
    try {
      expect(await store.hmget('qianfan-console:qps:header-test', 'ceiling', 'rate')).toEqual(['10', '10']);
    } finally {
      store.disconnect();
    }
    // 1 s at 10 qps (after the first answer brought the header) is about 10; at 30 qps it would be 29.
    expect(fake.arrivals.length).toBeLessThanOrEqual(20);
  });

  it('X-Ratelimit-Remaining-Requests: 0 cuts the shared rate as a throttle would', async () => {
    fake.headers = { 'x-ratelimit-remaining-requests': '0' };
    const client = createClient({
      accessKey: 'AK',
      secretKey: 'SK',
      baseUrl: fake.url,
      maxAttempts: 1,
      qps: 30,
      qpsStore: redis.url,
      qpsKey: 'remaining-test',
      sharedRate: { ...patient, decrease: 0.5 },
    });
    await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: 'x' });
    const store = new Redis(redis.url);
    try {
      // The cut is reported after the answer, without holding the call up.
      await vi.waitFor(async () => expect(Number(await store.hget('qianfan-console:qps:remaining-test', 'rate'))).toBeLessThanOrEqual(15.1));
    } finally {
      store.disconnect();
      await client.close();
    }
  });

  it('a script that never closes its client still ends: the idle connection to Redis does not hold the process', async () => {
    const script = `
      const { createClient } = await import('qianfan-console');
      const client = createClient({ accessKey: 'AK', secretKey: 'SK', baseUrl: '${fake.url}', maxAttempts: 1, qps: 30, qpsStore: '${redis.url}' });
      await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: 'script' });
      process.stdout.write('called');`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(stdout).toBe('called');
    expect(fake.arrivals).toHaveLength(1);
  });

  it('the command shares the budget with --qps-store and closes its connection when done', async () => {
    const env = { QIANFAN_ACCESS_KEY: 'ALTAKcli', QIANFAN_SECRET_KEY: 'cli-secret', QIANFAN_CONSOLE_API_BASE_URL: fake.url, QIANFAN_QPS_LIMIT: '5' };
    const result = await runCli(['call', '/v2/sharedtest', 'DescribeCounter', '--body', '{"worker":"cli"}', '--qps-store', redis.url], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(fake.arrivals).toHaveLength(1);
    const store = new Redis(redis.url);
    try {
      // The default budget is the account's: a hash of the access key, never the key itself.
      const keys = await store.keys('qianfan-console:qps:*');
      expect(keys).toEqual([expect.stringMatching(/^qianfan-console:qps:[0-9a-f]{24}$/)]);
    } finally {
      store.disconnect();
    }
  });
});

describe('without a store', () => {
  it('neither importing the package nor calling loads the Redis client; a client with a store does', async () => {
    const script = (options: string): string => `
      import { createRequire } from 'node:module';
      const { createClient } = await import('qianfan-console');
      const client = createClient({ accessKey: 'AK', secretKey: 'SK', baseUrl: '${fake.url}', maxAttempts: 1, ${options} });
      await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: 'x' });
      await client.close();
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((file) => file.includes('/node_modules/ioredis/'));
      process.stdout.write(String(loaded.length));`;
    // In a process of its own, with this one serving its calls meanwhile.
    const loadedModules = async (options: string): Promise<number> =>
      Number(
        (
          await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script(options)], {
            cwd: new URL('..', import.meta.url).pathname,
            encoding: 'utf8',
          })
        ).stdout,
      );
    expect(await loadedModules('qps: 30')).toBe(0);
    expect(await loadedModules(`qps: 30, qpsStore: '${redis.url}'`)).toBeGreaterThan(0);
    expect(fake.arrivals).toHaveLength(2);
  });

  it('refuses a store without qps, or one that is not a Redis URL, without repeating a password', async () => {
    expect(() => createClient({ qpsStore: redis.url, env: {} })).toThrow(ConfigError);
    expect(() => createClient({ qpsStore: redis.url, env: {} })).toThrow('qpsStore shares a qps budget: set qps (or QIANFAN_QPS_LIMIT) too');
    const bad = (): unknown => createClient({ qps: 5, env: { QIANFAN_QPS_STORE: 'http://:hunter2@127.0.0.1:6379' } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/must be a Redis URL such as redis:\/\/127\.0\.0\.1:6379\/0/);
    expect(bad).not.toThrow(/hunter2/);
    expect(() => createClient({ qps: 5, qpsStore: redis.url, sharedRate: { decrease: 1.5 } })).toThrow(
      /sharedRate\.decrease must be a number above 0 and at most 1, got 1\.5/,
    );
    const client = createClient({ qps: 5, qpsStore: 'redis://:hunter2@127.0.0.1:6379/0' });
    expect(JSON.stringify(client.config)).not.toContain('hunter2');
    await client.close();
  });
});
