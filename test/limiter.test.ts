/**
 * The client-side limiter (src/limits/limiter.ts) on a faked clock: the qps spacing, the bound on calls
 * in flight, the pause after a throttle, and an abort while a call waits for any of them.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError } from '../src/errors.js';
import { CallLimiter, NO_SLOT, type Release } from '../src/limits/limiter.js';

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'));
});
afterEach(() => vi.useRealTimers());

/** Records when (in faked milliseconds since the test began) each acquisition was granted. */
function track(limiter: CallLimiter, count: number, signal?: AbortSignal): { granted: number[]; releases: Release[]; settled: Promise<unknown>[] } {
  const start = Date.now();
  const granted: number[] = [];
  const releases: Release[] = [];
  const settled = Array.from({ length: count }, (_, i) =>
    Promise.resolve(limiter.acquire(signal)).then((release) => {
      granted[i] = Date.now() - start;
      releases[i] = release;
    }),
  );
  return { granted, releases, settled };
}

describe('without limits', () => {
  it('answers at once, without a promise, and there is no slot to give back', () => {
    expect(new CallLimiter({}).acquire()).toBe(NO_SLOT);
  });
});

describe('qps', () => {
  it('spaces the calls 1000/qps apart, the first at once', async () => {
    const { granted } = track(new CallLimiter({ qps: 10 }), 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toEqual([0]);
    await vi.advanceTimersByTimeAsync(99);
    expect(granted).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toEqual([0, 100]);
    await vi.advanceTimersByTimeAsync(100);
    expect(granted).toEqual([0, 100, 200]);
  });

  it('does not save up slots while idle: after a quiet spell the next call goes at once, the one after waits', async () => {
    const limiter = new CallLimiter({ qps: 4 });
    await limiter.acquire();
    await vi.advanceTimersByTimeAsync(10_000);
    const { granted } = track(limiter, 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(granted).toEqual([0]);
    await vi.advanceTimersByTimeAsync(250);
    expect(granted).toEqual([0, 250]);
  });

  it('an abort while waiting for the slot rejects at once with AbortError', async () => {
    const limiter = new CallLimiter({ qps: 1 });
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = Promise.resolve(limiter.acquire(controller.signal)).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(100);
    controller.abort();
    expect(await waiting).toBeInstanceOf(AbortError);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('maxConcurrency', () => {
  it('holds calls beyond the bound until a slot is given back, first come first served', async () => {
    const limiter = new CallLimiter({ maxConcurrency: 2 });
    const { granted, releases } = track(limiter, 4);
    await vi.advanceTimersByTimeAsync(0);
    expect(Object.keys(granted)).toEqual(['0', '1']);
    releases[1]!();
    await vi.advanceTimersByTimeAsync(0);
    expect(Object.keys(granted)).toEqual(['0', '1', '2']);
    releases[0]!();
    await vi.advanceTimersByTimeAsync(0);
    expect(Object.keys(granted)).toEqual(['0', '1', '2', '3']);
  });

  it('a slot given back twice counts once', async () => {
    const limiter = new CallLimiter({ maxConcurrency: 1 });
    const first = await limiter.acquire();
    const { granted } = track(limiter, 2);
    first();
    first();
    await vi.advanceTimersByTimeAsync(0);
    expect(Object.keys(granted)).toEqual(['0']);
  });

  it('a released slot goes to the one waiting, not to a newcomer', async () => {
    const limiter = new CallLimiter({ maxConcurrency: 1 });
    const first = await limiter.acquire();
    const waiter = track(limiter, 1);
    first();
    const newcomer = track(limiter, 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(waiter.granted).toEqual([0]);
    expect(newcomer.granted).toEqual([]);
  });

  it('an abort while queued rejects at once, and the aborted call takes no slot', async () => {
    const limiter = new CallLimiter({ maxConcurrency: 1 });
    const first = await limiter.acquire();
    const controller = new AbortController();
    const aborted = Promise.resolve(limiter.acquire(controller.signal)).catch((e: unknown) => e);
    const after = track(limiter, 1);
    controller.abort();
    expect(await aborted).toBeInstanceOf(AbortError);
    first();
    await vi.advanceTimersByTimeAsync(0);
    expect(after.granted).toEqual([0]);
  });
});

describe('pause after a throttle', () => {
  it('holds every call of the client until the pause ends, even without limits', async () => {
    const limiter = new CallLimiter({});
    limiter.pause(300);
    const { granted } = track(limiter, 2);
    await vi.advanceTimersByTimeAsync(299);
    expect(granted).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toEqual([300, 300]);
    expect(limiter.acquire()).toBe(NO_SLOT);
  });

  it('a shorter pause does not cut a longer one short', async () => {
    const limiter = new CallLimiter({});
    limiter.pause(500);
    limiter.pause(100);
    const { granted } = track(limiter, 1);
    await vi.advanceTimersByTimeAsync(499);
    expect(granted).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(granted).toEqual([500]);
  });

  it('comes before the qps spacing', async () => {
    const limiter = new CallLimiter({ qps: 10 });
    limiter.pause(1_000);
    const { granted } = track(limiter, 2);
    await vi.advanceTimersByTimeAsync(1_100);
    expect(granted).toEqual([1_000, 1_100]);
  });

  it('an abort during the pause rejects at once with AbortError', async () => {
    const limiter = new CallLimiter({});
    limiter.pause(60_000);
    const controller = new AbortController();
    const waiting = Promise.resolve(limiter.acquire(controller.signal)).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    expect(await waiting).toBeInstanceOf(AbortError);
    expect(vi.getTimerCount()).toBe(0);
  });
});
