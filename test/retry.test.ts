/**
 * The retry modules on their own (src/retry): classification of failures, the decision to retry and
 * the wait before it, and the client-wide retry budget. Unit tests of internal modules: the fault
 * suite (faults.test.ts) shows the same rules on the wire.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AbortError, NetworkError, ResponseError, ServiceError, TimeoutError, ValidationError } from '../src/errors.js';
import { RetryBudget } from '../src/retry/budget.js';
import { classify } from '../src/retry/classify.js';
import type { RetryPolicy } from '../src/retry/policy.js';
import { backoffMs, decideRetry, retryAfterMs, type RetryContext } from '../src/retry/strategy.js';

const POLICY: RetryPolicy = {
  maxAttempts: 3,
  quota: { capacity: 20, retryCost: 5, timeoutRetryCost: 10, successRefill: 1 },
  backoff: { baseMs: 100, throttleBaseMs: 500, capMs: 1_000 },
  retryAfter: { maxMs: 60_000 },
  throttle: { httpStatus: [429], codes: ['RequestLimitExceeded'], legacyCodes: [18] },
  transient: { httpStatus: [503], codes: ['InternalError'], legacyCodes: [2] },
  clockSkew: { codes: ['RequestExpired'] },
  network: { notSent: ['ECONNREFUSED'], ambiguous: ['ECONNRESET', 'RequestTimeout', 'TruncatedResponse'] },
};

const v2 = (httpStatus: number, code: string) => new ServiceError(code, { httpStatus, code, shape: 'v2' });
const legacy = (code: number) => new ServiceError(String(code), { httpStatus: 200, code: String(code), shape: 'legacy' });

describe('classify', () => {
  it('a V2 error by its code, else by its HTTP status', () => {
    expect(classify(v2(400, 'RequestLimitExceeded'), POLICY)).toBe('throttle');
    expect(classify(v2(429, 'SomethingElse'), POLICY)).toBe('throttle');
    expect(classify(v2(500, 'InternalError'), POLICY)).toBe('transient');
    expect(classify(v2(503, 'Whatever'), POLICY)).toBe('transient');
    expect(classify(v2(404, 'ResourceNotFound'), POLICY)).toBe('final');
    expect(classify(v2(500, 'Unlisted'), POLICY)).toBe('final');
  });

  it('clock skew before anything else, even on a status that is retried', () => {
    expect(classify(v2(429, 'RequestExpired'), POLICY)).toBe('clockSkew');
  });

  it('a legacy error by its numeric error_code only: the 200 status of its body does not count', () => {
    expect(classify(legacy(18), POLICY)).toBe('throttle');
    expect(classify(legacy(2), POLICY)).toBe('transient');
    expect(classify(legacy(336000), POLICY)).toBe('final');
    expect(classify(new ServiceError('x', { httpStatus: 503, code: '7', shape: 'legacy' }), POLICY)).toBe('final');
  });

  it('network failures and timeouts by code: not sent, ambiguous, or final when the policy does not list them', () => {
    expect(classify(new NetworkError('refused', { code: 'ECONNREFUSED' }), POLICY)).toBe('notSent');
    expect(classify(new NetworkError('reset', { code: 'ECONNRESET' }), POLICY)).toBe('ambiguous');
    expect(classify(new TimeoutError('slow', { code: 'RequestTimeout' }), POLICY)).toBe('ambiguous');
    expect(classify(new NetworkError('tls', { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), POLICY)).toBe('final');
  });

  it('a truncated response is ambiguous; other unreadable responses and everything else are final', () => {
    expect(classify(new ResponseError('cut', { code: 'TruncatedResponse' }), POLICY)).toBe('ambiguous');
    expect(classify(new ResponseError('html', { code: 'MalformedResponse' }), POLICY)).toBe('final');
    expect(classify(new AbortError('stop', { code: 'ECONNRESET' }), POLICY)).toBe('final');
    expect(classify(new ValidationError('body', []), POLICY)).toBe('final');
    expect(classify(new Error('ECONNRESET'), POLICY)).toBe('final');
  });
});

describe('decideRetry', () => {
  const ctx = (over: Partial<RetryContext> = {}): RetryContext => ({
    attempt: 1,
    maxAttempts: 3,
    idempotent: true,
    skewCorrected: false,
    remainingMs: Infinity,
    random: () => 0.5,
    ...over,
  });

  it('never retries a final failure', () => {
    expect(decideRetry('final', POLICY, ctx())).toEqual({ retry: false, reason: 'not a retryable failure' });
  });

  it('a write is retried only when the failure proves the request was not processed', () => {
    for (const failure of ['throttle', 'notSent'] as const) expect(decideRetry(failure, POLICY, ctx({ idempotent: false })).retry).toBe(true);
    for (const failure of ['transient', 'ambiguous'] as const) {
      const decision = decideRetry(failure, POLICY, ctx({ idempotent: false }));
      expect(decision).toMatchObject({ retry: false, reason: expect.stringContaining('non-idempotent') });
      expect(decideRetry(failure, POLICY, ctx({ idempotent: true })).retry).toBe(true);
    }
  });

  it('clock skew: re-signed at once, a single time, for any action and whatever attempts are left', () => {
    expect(decideRetry('clockSkew', POLICY, ctx({ idempotent: false, attempt: 3 }))).toMatchObject({ retry: true, delayMs: 0 });
    expect(decideRetry('clockSkew', POLICY, ctx({ skewCorrected: true }))).toMatchObject({ retry: false, reason: expect.stringContaining('persists') });
  });

  it('stops when the attempts are used', () => {
    expect(decideRetry('transient', POLICY, ctx({ attempt: 2 })).retry).toBe(true);
    expect(decideRetry('transient', POLICY, ctx({ attempt: 3 }))).toEqual({ retry: false, reason: '3 attempts used' });
    expect(decideRetry('transient', POLICY, ctx({ attempt: 1, maxAttempts: 1 }))).toEqual({ retry: false, reason: '1 attempt used' });
  });

  it('waits the jittered backoff, or Retry-After when the failed answer had one', () => {
    expect(decideRetry('transient', POLICY, ctx())).toEqual({ retry: true, delayMs: 50, reason: 'transient failure' });
    expect(decideRetry('throttle', POLICY, ctx({ headers: { 'retry-after-ms': '1234' } }))).toEqual({ retry: true, delayMs: 1234, reason: 'throttle failure' });
  });

  it('does not start a wait that would pass the deadline', () => {
    expect(decideRetry('transient', POLICY, ctx({ remainingMs: 51 })).retry).toBe(true);
    expect(decideRetry('transient', POLICY, ctx({ remainingMs: 50 }))).toEqual({ retry: false, reason: 'waiting 50 ms would pass the deadline' });
  });
});

describe('backoffMs: full jitter under an exponential ceiling', () => {
  it('doubles the ceiling per attempt from the base, up to the cap', () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 4, 5].map((attempt) => backoffMs('transient', attempt, POLICY, top))).toEqual([99, 199, 399, 799, 999]);
  });

  it('starts a throttle from throttleBaseMs', () => {
    expect(backoffMs('throttle', 1, POLICY, () => 0.5)).toBe(250);
    expect(backoffMs('throttle', 2, POLICY, () => 0.5)).toBe(500);
  });

  it('spreads the wait from 0 up to the ceiling', () => {
    expect(backoffMs('transient', 2, POLICY, () => 0)).toBe(0);
    expect(backoffMs('transient', 2, POLICY, () => 0.25)).toBe(50);
  });
});

describe('retryAfterMs', () => {
  it('retry-after-ms first, else Retry-After in seconds', () => {
    expect(retryAfterMs({ 'retry-after-ms': '250', 'retry-after': '9' }, POLICY)).toBe(250);
    expect(retryAfterMs({ 'retry-after-ms': '12.6' }, POLICY)).toBe(13);
    expect(retryAfterMs({ 'retry-after': '2' }, POLICY)).toBe(2_000);
    expect(retryAfterMs({ 'retry-after': '0.5' }, POLICY)).toBe(500);
    expect(retryAfterMs({ 'retry-after-ms': 'soon', 'retry-after': '3' }, POLICY)).toBe(3_000);
  });

  it('an HTTP date, counted from now; a date in the past is no wait', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, POLICY, now)).toBe(7_000);
    expect(retryAfterMs({ 'retry-after': 'Wed, 31 Dec 2025 23:59:00 GMT' }, POLICY, now)).toBe(0);
  });

  it('never beyond retryAfter.maxMs', () => {
    expect(retryAfterMs({ 'retry-after': '3600' }, POLICY)).toBe(60_000);
    expect(retryAfterMs({ 'retry-after-ms': '5000' }, { ...POLICY, retryAfter: { maxMs: 10 } })).toBe(10);
  });

  it('nothing without a readable header', () => {
    expect(retryAfterMs(undefined, POLICY)).toBeUndefined();
    expect(retryAfterMs({}, POLICY)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'later' }, POLICY)).toBeUndefined();
  });

  describe('with the clock faked', () => {
    beforeEach(() => {
      vi.useFakeTimers();
      vi.setSystemTime(Date.parse('2026-03-01T12:00:00Z'));
    });
    afterEach(() => vi.useRealTimers());

    it('reads an HTTP date against the current time by default', () => {
      expect(retryAfterMs({ 'retry-after': 'Sun, 01 Mar 2026 12:00:30 GMT' }, POLICY)).toBe(30_000);
      vi.advanceTimersByTime(20_000);
      expect(retryAfterMs({ 'retry-after': 'Sun, 01 Mar 2026 12:00:30 GMT' }, POLICY)).toBe(10_000);
    });
  });
});

describe('RetryBudget', () => {
  const quota = { capacity: 20, retryCost: 5, timeoutRetryCost: 10, successRefill: 1 };

  it('pays retries until the capacity is spent, then refuses', () => {
    const budget = new RetryBudget(quota);
    expect([1, 2, 3, 4].map(() => budget.charge('transient'))).toEqual([5, 5, 5, 5]);
    expect(budget.charge('throttle')).toBeUndefined();
  });

  it('charges more after a timeout or a dropped connection', () => {
    const budget = new RetryBudget(quota);
    expect(budget.charge('ambiguous')).toBe(10);
    expect(budget.charge('ambiguous')).toBe(10);
    expect(budget.charge('notSent')).toBeUndefined();
  });

  it('a refused charge spends nothing: a cheaper retry may still be paid', () => {
    const budget = new RetryBudget(quota);
    budget.charge('ambiguous');
    budget.charge('transient');
    expect(budget.charge('ambiguous')).toBeUndefined();
    expect(budget.charge('transient')).toBe(5);
  });

  it('a clock-skew re-sign is free, even with the budget spent', () => {
    const budget = new RetryBudget(quota);
    budget.charge('ambiguous');
    budget.charge('ambiguous');
    expect(budget.charge('clockSkew')).toBe(0);
  });

  it('a success gives back what its retries cost, or successRefill when it needed none; never above the capacity', () => {
    const budget = new RetryBudget(quota);
    for (let i = 0; i < 4; i++) budget.charge('transient');
    budget.recordSuccess(10);
    expect(budget.charge('ambiguous')).toBe(10);
    expect(budget.charge('transient')).toBeUndefined();
    for (let i = 0; i < 4; i++) budget.recordSuccess(0);
    expect(budget.charge('transient')).toBeUndefined();
    budget.recordSuccess(0);
    expect(budget.charge('transient')).toBe(5);
    for (let i = 0; i < 100; i++) budget.recordSuccess(5);
    expect([1, 2, 3, 4, 5].map(() => budget.charge('transient'))).toEqual([5, 5, 5, 5, undefined]);
  });

  it('without a quota there is no limit', () => {
    const budget = new RetryBudget(undefined);
    for (let i = 0; i < 1_000; i++) expect(budget.charge('ambiguous')).toBe(0);
  });
});
