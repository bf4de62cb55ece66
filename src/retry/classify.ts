/**
 * Error classification, kept apart from the decision to retry: what kind of failure this is,
 * according to the policy's data. The decision (strategy.ts) then weighs it against the action.
 */
import { NetworkError, type QianfanError, ResponseError, ServiceError, TimeoutError } from '../errors.js';
import type { FailureClass } from './failure-class.js';
import type { FailureClassRule, RetryPolicy } from './policy.js';

export type { FailureClass };

export function classify(error: unknown, policy: RetryPolicy): FailureClass {
  if (error instanceof ServiceError) {
    if (policy.clockSkew.codes.includes(error.code)) return 'clockSkew';
    if (matches(policy.throttle, error)) return 'throttle';
    if (matches(policy.transient, error)) return 'transient';
    return 'final';
  }
  if (error instanceof NetworkError || error instanceof TimeoutError || (error instanceof ResponseError && error.code === 'TruncatedResponse')) {
    const code = (error as QianfanError).code;
    if (policy.network.notSent.includes(code)) return 'notSent';
    if (policy.network.ambiguous.includes(code)) return 'ambiguous';
  }
  return 'final';
}

function matches(rule: FailureClassRule, error: ServiceError): boolean {
  if (error.shape === 'legacy') return rule.legacyCodes?.includes(Number(error.code)) ?? false;
  if (rule.codes?.includes(error.code)) return true;
  return error.httpStatus !== undefined && (rule.httpStatus?.includes(error.httpStatus) ?? false);
}
