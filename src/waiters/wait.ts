/**
 * Waiting for a long-running resource as its descriptor declares (`waiters:`): poll the action until a
 * status field of its result reaches a success value, a failure value, or the time runs out. Nothing
 * here knows any particular action.
 */
import type { QianfanClient } from '../client/client.js';
import { withClient } from '../client/default.js';
import { metadataOf } from '../client/metadata.js';
import { parseRoute } from '../descriptors/names.js';
import type { Catalogue } from '../client/catalogue.js';
import type { LoadedDescriptor, Waiter } from '../descriptors/types.js';
import { QianfanError, ValidationError, type QianfanErrorFields } from '../errors.js';
import { sleep } from '../limits/sleep.js';
import { readDottedPath } from '../paginate/dotted-path.js';
import type { ActionResponse } from '../response/parse.js';
import type { FailureClass } from '../retry/failure-class.js';

export interface WaitProgress {
  /** The status field of the last answer, as text; undefined when the answer had none. */
  status: string | undefined;
  /** The progress field of the last answer (such as "40%"), when the waiter declares one and the answer has it. */
  progress: string | undefined;
  /** Polls so far, the first included. */
  attempt: number;
  elapsedMs: number;
  /**
   * Why this poll failed, when it failed in a way worth polling past (throttled, a transient service
   * error, a network failure or timeout, after the call's own retries): the waiter keeps polling while it
   * has time. Any other failure ends the wait with that error.
   */
  error?: QianfanError;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** Called after every poll. */
  onProgress?: (progress: WaitProgress) => void;
  /** Pause between polls; default: the waiter's intervalMs. */
  intervalMs?: number;
  /** Give up after this long; default: the waiter's timeoutMs. A poll under way when it passes is allowed to finish. */
  timeoutMs?: number;
  /** Look for the waiter on this route only (`/v2/finetuning` or `finetuning`). */
  route?: string;
}

/** The resource reached a failure status (`reason: 'failure'`), or no final status came in time (`reason: 'timeout'`). */
export class WaiterError extends QianfanError {
  override name = 'WaiterError';
  readonly reason: 'failure' | 'timeout';
  readonly waiter: string;
  /** The status of the last answer. */
  readonly status: string | undefined;
  /** The last answer, `{ requestId, result }`. */
  readonly lastResponse: ActionResponse;
  constructor(
    message: string,
    fields: QianfanErrorFields & { reason: WaiterError['reason']; waiter: string; status: string | undefined; lastResponse: ActionResponse },
  ) {
    super(message, { ...fields, code: fields.reason === 'failure' ? 'WaiterFailed' : 'WaiterTimeout' });
    this.reason = fields.reason;
    this.waiter = fields.waiter;
    this.status = fields.status;
    this.lastResponse = fields.lastResponse;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), reason: this.reason, waiter: this.waiter, status: this.status };
  }
}

type Body = Record<string, unknown>;

/** Failures a waiter polls past (the retry policy's classes); 'final' and 'clockSkew' (handled by the call) are not. */
const PASSING: ReadonlySet<FailureClass> = new Set(['throttle', 'transient', 'notSent', 'ambiguous']);

/** Polls the waiter's action until its status is a success value (resolves with that answer) or a failure value (rejects with WaiterError). */
export function waitFor(client: QianfanClient, waiterName: string, body: Body, options?: WaitOptions): Promise<ActionResponse>;
/** The same with the default client (configured from QIANFAN_* environment variables). */
export function waitFor(waiterName: string, body: Body, options?: WaitOptions): Promise<ActionResponse>;
export async function waitFor(...args: unknown[]): Promise<ActionResponse> {
  const [client, waiterName, body, options = {}] = withClient<[string, Body, WaitOptions?]>(args);
  const { waiter, action: polled } = findWaiter(client.store, waiterName, options.route);
  const { route, action } = polled.descriptor;
  const intervalMs = options.intervalMs ?? waiter.intervalMs;
  const timeoutMs = options.timeoutMs ?? waiter.timeoutMs;
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    let response: ActionResponse;
    try {
      response = await client.callAction(route, action, body, options.signal ? { signal: options.signal } : {});
    } catch (error) {
      // A long wait outlives a short outage: a poll that failed for a passing reason (as the call's retry loop classed it) is just a poll lost.
      const failure = metadataOf(error)?.failure;
      if (!(error instanceof QianfanError) || failure === undefined || !PASSING.has(failure)) throw error;
      const elapsedMs = Math.round(performance.now() - started);
      options.onProgress?.({ status: undefined, progress: undefined, attempt, elapsedMs, error });
      const remainingMs = timeoutMs - elapsedMs;
      if (remainingMs <= 0) throw error;
      await sleep(Math.min(intervalMs, remainingMs), options.signal);
      continue;
    }
    const status = asText(readDottedPath(response.result, waiter.status));
    const progress = waiter.progress === undefined ? undefined : asText(readDottedPath(response.result, waiter.progress));
    const elapsedMs = Math.round(performance.now() - started);
    options.onProgress?.({ status, progress, attempt, elapsedMs });
    const fields = { route, action, requestId: response.requestId, waiter: waiterName, status, lastResponse: response };
    if (status !== undefined && waiter.success.includes(status)) return response;
    // failure has no default in the descriptor format: a waiter may only know success.
    if (status !== undefined && waiter.failure.includes(status)) {
      throw new WaiterError(`${waiterName}: ${action} reports ${waiter.status} ${status}, a failure`, { ...fields, reason: 'failure' });
    }
    const remainingMs = timeoutMs - elapsedMs;
    if (remainingMs <= 0) {
      throw new WaiterError(`${waiterName}: ${waiter.status} was still ${status ?? '(absent)'} after ${elapsedMs} ms (timeout ${timeoutMs} ms)`, {
        ...fields,
        reason: 'timeout',
      });
    }
    await sleep(Math.min(intervalMs, remainingMs), options.signal);
  }
}

/** The waiter of that name and the action it polls, or a ValidationError listing the waiters there are. */
export function findWaiter(store: Catalogue, waiterName: string, route?: string): { waiter: Waiter; action: LoadedDescriptor } {
  const area = route === undefined ? undefined : parseRoute(route).area;
  const found = store.findWaiter(waiterName, area);
  if (found) return found;
  const known = listWaiters(store, area).map((w) => `${w.name} (${w.route})`);
  throw new ValidationError(
    `No waiter ${JSON.stringify(waiterName)}${area ? ` on /v2/${area}` : ''}`,
    [
      {
        path: 'waiter',
        keyword: 'unknownWaiter',
        message: known.length ? `known waiters: ${known.join(', ')}` : 'no descriptor on the search path declares a waiter',
      },
    ],
    area ? { route: `/v2/${area}` } : {},
  );
}

/** Every waiter on the search path (of one area, if given), with the action it polls. */
export function listWaiters(store: Catalogue, area?: string): { name: string; route: string; action: string; waiter: Waiter }[] {
  return store.list(area).flatMap((entry) => {
    const { descriptor } = store.load(entry);
    return Object.entries(descriptor.waiters ?? {}).map(([name, waiter]) => ({ name, route: descriptor.route, action: descriptor.action, waiter }));
  });
}

function asText(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : typeof value === 'object' ? JSON.stringify(value) : String(value);
}
