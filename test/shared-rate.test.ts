/**
 * A qps budget shared through a real redis-server: what happens when the store is out of reach, the
 * console's rate-limit headers, the command's --qps-store, and what is loaded without a store. The
 * rates measured in real time across processes are in shared-rate-budget and shared-rate-throttle.
 */
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { expect, it, vi } from 'vitest';
import { ConfigError, createClient } from 'qianfan-console';
import { runCliProcess } from './support/cli-process.js';
import { PATIENT, useSharedRateRig, describeWithRedis } from './support/shared-rate-rig.js';

const rig = useSharedRateRig();

describeWithRedis('a qps budget shared through Redis', () => {
  it('a Redis that refuses connections, or accepts them and never answers, fails no call and warns once', async () => {
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const silentUrl = `redis://127.0.0.1:${(silent.address() as { port: number }).port}/0`;
    await rig.redis.stop();
    try {
      for (const [qpsStore, reason] of [
        [rig.redis.url, /ECONNREFUSED/],
        [silentUrl, /Command timed out/],
      ] as const) {
        const warnings: string[] = [];
        const client = rig.client({
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
    expect(rig.fake.arrivals).toHaveLength(6);
  });

  it('X-Ratelimit-Limit-Requests (per minute) caps the shared rate below qps', async () => {
    rig.fake.headers = { 'x-ratelimit-limit-requests': '600' };
    const client = rig.client({ qpsKey: 'header-test', sharedRate: PATIENT });
    const until = performance.now() + 1000;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (performance.now() < until) await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: 'x' });
      }),
    );
    await client.close();
    expect(await rig.inStore((store) => store.hmget('qianfan-console:qps:header-test', 'ceiling', 'rate'))).toEqual(['10', '10']);
    // 1 s at 10 qps (after the first answer brought the header) is about 10; at 30 qps it would be 29.
    expect(rig.fake.arrivals.length).toBeLessThanOrEqual(20);
  });

  it('X-Ratelimit-Remaining-Requests: 0 cuts the shared rate as a throttle would', async () => {
    rig.fake.headers = { 'x-ratelimit-remaining-requests': '0' };
    const client = rig.client({ qpsKey: 'remaining-test', sharedRate: { ...PATIENT, decrease: 0.5 } });
    await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: 'x' });
    try {
      // The cut is reported after the answer, without holding the call up.
      await rig.inStore((store) =>
        vi.waitFor(async () => expect(Number(await store.hget('qianfan-console:qps:remaining-test', 'rate'))).toBeLessThanOrEqual(15.1)),
      );
    } finally {
      await client.close();
    }
  });

  it('a script that never closes its client still ends: the idle connection to Redis does not hold the process', async () => {
    const script = `
      const { createClient } = await import('qianfan-console');
      const client = createClient({ accessKey: 'AK', secretKey: 'SK', baseUrl: '${rig.fake.url}', maxAttempts: 1, qps: 30, qpsStore: '${rig.redis.url}' });
      await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: 'script' });
      process.stdout.write('called');`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
      timeout: 10_000,
    });
    expect(stdout).toBe('called');
    expect(rig.fake.arrivals).toHaveLength(1);
  });

  it('the command shares the budget with --qps-store and closes its connection when done', async () => {
    const env = { QIANFAN_ACCESS_KEY: 'ALTAKcli', QIANFAN_SECRET_KEY: 'cli-secret', QIANFAN_CONSOLE_API_BASE_URL: rig.fake.url, QIANFAN_QPS_LIMIT: '5' };
    const result = await runCliProcess(['call', '/v2/sharedtest', 'DescribeCounter', '--body', '{"worker":"cli"}', '--qps-store', rig.redis.url], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(rig.fake.arrivals).toHaveLength(1);
    // The default budget is the account's: a hash of the access key, never the key itself.
    const keys = await rig.inStore((store) => store.keys('qianfan-console:qps:*'));
    expect(keys).toEqual([expect.stringMatching(/^qianfan-console:qps:[0-9a-f]{24}$/)]);
  });
});

describeWithRedis('without a store', () => {
  it('neither importing the package nor calling loads the Redis client; a client with a store does', async () => {
    const script = (options: string): string => `
      import { createRequire } from 'node:module';
      const { createClient } = await import('qianfan-console');
      const client = createClient({ accessKey: 'AK', secretKey: 'SK', baseUrl: '${rig.fake.url}', maxAttempts: 1, ${options} });
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
    expect(await loadedModules(`qps: 30, qpsStore: '${rig.redis.url}'`)).toBeGreaterThan(0);
    expect(rig.fake.arrivals).toHaveLength(2);
  });

  it('refuses a store without qps, or one that is not a Redis URL, without repeating a password', async () => {
    expect(() => createClient({ qpsStore: rig.redis.url, env: {} })).toThrow(ConfigError);
    expect(() => createClient({ qpsStore: rig.redis.url, env: {} })).toThrow('qpsStore shares a qps budget: set qps (or QIANFAN_QPS_LIMIT) too');
    const bad = (): unknown => createClient({ qps: 5, env: { QIANFAN_QPS_STORE: 'http://:hunter2@127.0.0.1:6379' } });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/must be a Redis URL such as redis:\/\/127\.0\.0\.1:6379\/0/);
    expect(bad).not.toThrow(/hunter2/);
    expect(() => createClient({ qps: 5, qpsStore: rig.redis.url, sharedRate: { decrease: 1.5 } })).toThrow(
      /sharedRate\.decrease must be a number above 0 and at most 1, got 1\.5/,
    );
    const client = createClient({ qps: 5, qpsStore: 'redis://:hunter2@127.0.0.1:6379/0' });
    expect(JSON.stringify(client.config)).not.toContain('hunter2');
    await client.close();
  });
});
