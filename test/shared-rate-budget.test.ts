/**
 * Three processes sharing one qps budget through a real redis-server, measured in real time at the
 * console: the budget holds in every second and is mostly used; with the store killed mid-run, the
 * processes carry on under their own limits and rejoin when it is back. A `timing` file (vitest.config.ts).
 */
import { expect, it } from 'vitest';
import { busiestWindow, runWorkers } from './support/counting-console.js';
import { PATIENT, sentBy, useSharedRateRig, describeWithRedis } from './support/shared-rate-rig.js';

const rig = useSharedRateRig();

describeWithRedis('a qps budget shared through Redis by three processes', () => {
  it('three processes with qps 30 stay within 30 requests in any second, use most of the budget, and none is starved', async () => {
    const reports = await runWorkers(['a', 'b', 'c'], {
      baseUrl: rig.fake.url,
      client: { qps: 30, qpsStore: rig.redis.url, sharedRate: PATIENT },
      concurrency: 4,
      durationMs: 2500,
    });
    const { arrivals } = rig.fake;
    expect(busiestWindow(arrivals)).toBeLessThanOrEqual(30);
    // 2.5 s at 30 qps (and one call each before the start) is about 78 requests; at least 70 % of it used.
    expect(arrivals.length).toBeGreaterThanOrEqual(0.7 * 78);
    for (const name of ['a', 'b', 'c']) expect(sentBy(name, arrivals).length).toBeGreaterThanOrEqual(arrivals.length / 6);
    for (const report of reports) expect(report).toMatchObject({ failures: {}, warnings: [] });
  });

  it('with Redis killed mid-run no call fails, each process warns once, and rejoins the budget when Redis is back', async () => {
    rig.fake.onArrival = () => {
      if (rig.fake.arrivals.length === 20) void rig.redis.stop();
      if (rig.fake.arrivals.length === 60) void rig.redis.start();
    };
    const reports = await runWorkers(['a', 'b', 'c'], {
      baseUrl: rig.fake.url,
      client: { qps: 30, qpsStore: rig.redis.url, qpsKey: 'outage-test', sharedRate: PATIENT },
      concurrency: 2,
      durationMs: 3000,
    });
    for (const report of reports) {
      expect(report.failures).toEqual({});
      expect(report.ok).toBeGreaterThan(0);
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatch(
        new RegExp(
          `^the shared qps budget in redis://127\\.0\\.0\\.1:${rig.redis.port}/0 is out of reach \\(.+\\); calls go on under this client's own limit of 30 qps until it answers again$`,
        ),
      );
      expect(report.debugLines.some((line) => line.includes('answers again'))).toBe(true);
    }
    // The restarted server started empty: the budget in it was written by the clients that rejoined.
    expect(await rig.inStore((store) => store.exists('qianfan-console:qps:outage-test'))).toBe(1);
  });
});
