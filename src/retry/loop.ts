/**
 * The retry loop: runs a call's attempts until one succeeds or the decision (strategy.ts) says stop,
 * charging the client's retry budget, waiting the backoff, and keeping the call's metadata. It knows
 * nothing of signing or sending: each attempt is the caller's `send`, each answer the caller's `read`.
 */
import { attachMetadata, type CallMetadata } from '../client/metadata.js';
import { AbortError, QianfanError } from '../errors.js';
import { sleep } from '../limits/sleep.js';
import { elapsed, failureLine, responseLine } from '../logging/debug-lines.js';
import type { HttpResponse } from '../transport/types.js';
import type { RetryBudget } from './budget.js';
import { classify } from './classify.js';
import type { RetryPolicy } from './policy.js';
import { decideRetry, type RetryDecision } from './strategy.js';

/** How a client makes attempts and reads answers; made once per client, given each call's own value. */
export interface Attempts<Call, T extends { requestId: string }> {
  /** Sends attempt number `attempt` (1 for the first) of at most `maxAttempts`, bounded by `timeoutMs`. */
  send(call: Call, attempt: number, maxAttempts: number, timeoutMs: number, signal: AbortSignal | undefined): Promise<HttpResponse>;
  /** The result of a response, or the console's refusal thrown. */
  read(call: Call, response: HttpResponse): T;
  /** The clock offset signatures are made with, read when a call ends. */
  clockOffsetMs(): number;
  /** A RequestExpired refusal: learn the server's clock from its Date header before re-signing. */
  onClockSkew(date: string | undefined, action: string): void;
  /** Throttled: every call of the client holds back for this long. */
  onThrottle(delayMs: number): void;
  /** Each attempt's outcome for the limits: the answer's headers (none without an answer), and whether it was a throttle. */
  onAnswer(headers: Readonly<Record<string, string>> | undefined, throttled: boolean): void;
  /** Receives each attempt's outcome as a debug line; undefined when nobody listens. */
  debug: ((line: string) => void) | undefined;
}

/** One call's retry plan. */
export interface RetryPlan {
  policy: RetryPolicy;
  budget: RetryBudget;
  maxAttempts: number;
  idempotent: boolean;
  /** Per attempt, in milliseconds. */
  timeoutMs: number;
  /** Date.now() past which no attempt starts; Infinity without a deadline. */
  deadlineAt: number;
  signal: AbortSignal | undefined;
  where: { route: string; action: string };
  /** performance.now() when the call began. */
  started: number;
  /** Called once the call has settled, either way (to let go of its signal's listeners). */
  settled(): void;
}

export async function runWithRetries<Call, T extends { requestId: string }>(attempts: Attempts<Call, T>, call: Call, plan: RetryPlan): Promise<T> {
  const { policy, budget, maxAttempts, deadlineAt, signal, where } = plan;
  const { debug } = attempts;
  const metadata: CallMetadata = {
    attempts: 0,
    totalRetryDelayMs: 0,
    durationMs: 0,
    requestId: undefined,
    httpStatus: undefined,
    clockOffsetMs: attempts.clockOffsetMs(),
    failure: undefined,
  };
  // Tokens this call's retries took from the budget; given back if it succeeds.
  let retryCost = 0;
  let skewCorrected = false;
  try {
    for (;;) {
      metadata.attempts++;
      let response: HttpResponse | undefined;
      const attemptStarted = performance.now();
      try {
        response = await attempts.send(call, metadata.attempts, maxAttempts, Math.min(plan.timeoutMs, deadlineAt - Date.now()), signal);
        metadata.httpStatus = response.status;
        const parsed = attempts.read(call, response);
        attempts.onAnswer(response.headers, false);
        metadata.requestId = parsed.requestId;
        if (debug) debug(responseLine(response.status, where.action, parsed.requestId, elapsed(attemptStarted)));
        metadata.durationMs = elapsed(plan.started);
        metadata.clockOffsetMs = attempts.clockOffsetMs();
        attachMetadata(parsed, metadata);
        budget.recordSuccess(retryCost);
        return parsed;
      } catch (error) {
        if (signal?.aborted || error instanceof AbortError) throw error;
        if (error instanceof QianfanError) metadata.requestId = error.requestId ?? metadata.requestId;
        const failure = classify(error, policy);
        attempts.onAnswer(response?.headers, failure === 'throttle');
        let decision: RetryDecision = decideRetry(failure, policy, {
          attempt: metadata.attempts,
          maxAttempts,
          idempotent: plan.idempotent,
          skewCorrected,
          remainingMs: deadlineAt - Date.now(),
          headers: response?.headers,
        });
        if (decision.retry) {
          const cost = budget.charge(failure);
          if (cost === undefined)
            decision = { retry: false, reason: "the client's retry budget is spent (many failures lately; see quota in the retry policy)" };
          else retryCost += cost;
        }
        if (debug) debug(failureLine(response?.status, where.action, error instanceof QianfanError ? error.code : 'Error', elapsed(attemptStarted), decision));
        if (!decision.retry) {
          metadata.failure = failure;
          throw error;
        }
        if (failure === 'clockSkew') {
          skewCorrected = true;
          attempts.onClockSkew(response?.headers['date'], where.action);
        }
        if (failure === 'throttle') attempts.onThrottle(decision.delayMs);
        metadata.totalRetryDelayMs += decision.delayMs;
        await sleep(decision.delayMs, signal);
      }
    }
  } catch (error) {
    throw finish(error, where, metadata, plan.started, attempts.clockOffsetMs());
  } finally {
    plan.settled();
  }
}

/** The error as it leaves the call: route, action and metadata filled in. */
function finish(error: unknown, where: { route: string; action: string }, metadata: CallMetadata, started: number, clockOffsetMs: number): unknown {
  if (!(error instanceof QianfanError)) return error;
  error.route ??= where.route;
  error.action ??= where.action;
  metadata.durationMs = elapsed(started);
  metadata.clockOffsetMs = clockOffsetMs;
  error.metadata = metadata;
  return error;
}
