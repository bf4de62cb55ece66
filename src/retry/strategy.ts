/**
 * The retry decision: given a classified failure, the action's idempotency and the attempts and time
 * left, retry after how long — or stop, and why. Writes are never repeated unless the failure
 * proves the first request was not processed.
 */
import type { FailureClass } from './failure-class.js';
import type { RetryPolicy } from './policy.js';

export interface RetryContext {
  /** Attempts made so far, including the one that failed. */
  attempt: number;
  maxAttempts: number;
  idempotent: boolean;
  /** Whether the one clock-skew correction was already spent. */
  skewCorrected: boolean;
  /** Milliseconds left before the call's deadline; Infinity without one. */
  remainingMs: number;
  /** Response headers of the failed attempt, if any. */
  headers?: Record<string, string> | undefined;
  random?: () => number;
}

export type RetryDecision = { retry: true; delayMs: number; reason: string } | { retry: false; reason: string };

const SAFE_FOR_WRITES: ReadonlySet<FailureClass> = new Set(['throttle', 'notSent', 'clockSkew']);

export function decideRetry(failure: FailureClass, policy: RetryPolicy, ctx: RetryContext): RetryDecision {
  if (failure === 'final') return { retry: false, reason: 'not a retryable failure' };
  if (failure === 'clockSkew') {
    return ctx.skewCorrected
      ? { retry: false, reason: 'clock skew persists after one correction' }
      : { retry: true, delayMs: 0, reason: 'clock skew: re-signing with the server time' };
  }
  if (!ctx.idempotent && !SAFE_FOR_WRITES.has(failure)) {
    return { retry: false, reason: `${failure} failure of a non-idempotent action: it may have been applied, so it is not repeated` };
  }
  if (ctx.attempt >= ctx.maxAttempts) return { retry: false, reason: `${ctx.maxAttempts} attempt${ctx.maxAttempts === 1 ? '' : 's'} used` };
  const delayMs = retryAfterMs(ctx.headers, policy) ?? backoffMs(failure, ctx.attempt, policy, ctx.random ?? Math.random);
  if (delayMs >= ctx.remainingMs) return { retry: false, reason: `waiting ${delayMs} ms would pass the deadline` };
  return { retry: true, delayMs, reason: `${failure} failure` };
}

/** Full jitter: random(0, min(cap, base · 2^(attempt-1))). */
export function backoffMs(failure: FailureClass, attempt: number, policy: RetryPolicy, random: () => number): number {
  const base = failure === 'throttle' ? policy.backoff.throttleBaseMs : policy.backoff.baseMs;
  const ceiling = Math.min(policy.backoff.capMs, base * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** retry-after-ms, else Retry-After in seconds or as an HTTP date; clamped to [0, retryAfter.maxMs]. */
export function retryAfterMs(headers: Record<string, string> | undefined, policy: RetryPolicy, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  let ms: number | undefined;
  const exact = headers['retry-after-ms'];
  const coarse = headers['retry-after'];
  if (exact !== undefined && /^\d+(\.\d+)?$/.test(exact.trim())) ms = Number(exact);
  else if (coarse !== undefined) {
    if (/^\d+(\.\d+)?$/.test(coarse.trim())) ms = Number(coarse) * 1000;
    else {
      const date = Date.parse(coarse);
      if (!Number.isNaN(date)) ms = date - now;
    }
  }
  if (ms === undefined) return undefined;
  return Math.round(Math.min(Math.max(ms, 0), policy.retryAfter.maxMs));
}
