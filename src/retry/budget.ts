/**
 * A client-wide budget for retries, so that an outage does not multiply the load on the console:
 * each retry spends tokens, a success earns some back, and when the budget cannot pay, a failure is
 * returned at once instead of retried. The amounts are the retry policy's `quota` (no quota, no limit).
 */
import type { FailureClass } from './failure-class.js';
import type { RetryQuota } from './policy.js';

export class RetryBudget {
  readonly #quota: RetryQuota | undefined;
  #tokens: number;

  constructor(quota: RetryQuota | undefined) {
    this.#quota = quota;
    this.#tokens = quota?.capacity ?? 0;
  }

  /**
   * Pays for retrying after `failure`: the tokens spent (0 for a clock-skew re-sign, which is a
   * correction rather than a retry), or undefined when the budget cannot pay.
   */
  charge(failure: FailureClass): number | undefined {
    const quota = this.#quota;
    if (!quota || failure === 'clockSkew') return 0;
    // A timeout or a dropped connection costs more: the console may be drowning, not just busy.
    const cost = failure === 'ambiguous' ? quota.timeoutRetryCost : quota.retryCost;
    if (cost > this.#tokens) return undefined;
    this.#tokens -= cost;
    return cost;
  }

  /** A call succeeded: its retries' cost comes back, or successRefill when it needed none. */
  recordSuccess(retryCost: number): void {
    const quota = this.#quota;
    if (quota) this.#tokens = Math.min(quota.capacity, this.#tokens + (retryCost > 0 ? retryCost : quota.successRefill));
  }
}
