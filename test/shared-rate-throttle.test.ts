/**
 * A throttle answer to one process, seen by every process sharing the budget through a real
 * redis-server, and the recovery after it, measured in real time. A `timing` file (vitest.config.ts).
 */
import { expect, it } from 'vitest';
import { busiestWindow, runWorkers } from './support/counting-console.js';
import { PATIENT, sentBetween, sentBy, useSharedRateRig, describeWithRedis } from './support/shared-rate-rig.js';

const rig = useSharedRateRig();

describeWithRedis('a throttle shared through Redis', () => {
  it('a throttle answer to one process slows every process down, and the rate climbs back to qps', async () => {
    // Process a gets three 429 answers once both processes are well under way (about 2.5 s in, past the
    // start-up of the processes of the file beside this one); b is never throttled itself.
    let throttledAt: number | undefined;
    let throttled = 0;
    rig.fake.throttle = ({ worker }) => {
      if (worker !== 'a' || rig.fake.arrivals.length < 75 || throttled >= 3) return false;
      throttledAt ??= Date.now();
      throttled++;
      return true;
    };
    const sharedRate = { ...PATIENT, decrease: 0.1, recoveryPerSecond: 6 };
    const reports = await runWorkers(['a', 'b'], {
      baseUrl: rig.fake.url,
      client: { qps: 30, qpsStore: rig.redis.url, qpsKey: 'throttle-test', sharedRate },
      concurrency: 4,
      durationMs: 8500,
    });
    const { arrivals } = rig.fake;
    expect(throttledAt).toBeDefined();
    const t = throttledAt!;
    // The cut reached b: it sent fewer requests in the second after the first throttle than it did a
    // second, on average, over the two seconds before. The second after starts 300 ms on: slots b had
    // reserved before the cut (at most three, about 105 ms ahead) and a's round trip to learn of the 429
    // are not the cut's to stop. Cut to 3 qps and climbing 6 a second, the pair averages about 8 qps in
    // that second, b about 4, against about 15 before.
    const bBeforePerSecond = sentBetween(sentBy('b', arrivals), t - 2000, t).length / 2;
    const bAfter = sentBetween(sentBy('b', arrivals), t + 300, t + 1300).length;
    expect(bAfter).toBeLessThan(bBeforePerSecond * 0.6);
    // At 6 qps regained per second, the rate is back at 24 (0.8 x 30) 3.5 s after the cut and at 30 by 4.5 s.
    expect(busiestWindow(sentBetween(arrivals, t + 4100, Infinity))).toBeGreaterThanOrEqual(0.8 * 30);
    expect(busiestWindow(arrivals)).toBeLessThanOrEqual(30);
    expect(reports.find((r) => r.name === 'a')?.failures).toEqual({ TooManyRequests: 3 });
    expect(reports.find((r) => r.name === 'b')?.failures).toEqual({});
    expect(Number(await rig.inStore((store) => store.hget('qianfan-console:qps:throttle-test', 'rate')))).toBe(30);
  });
});
