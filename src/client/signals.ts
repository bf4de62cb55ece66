import { setMaxListeners } from 'node:events';
import { TimeoutError } from '../errors.js';

export interface LinkedSignal {
  signal: AbortSignal | undefined;
  dispose(): void;
}

const nothing: LinkedSignal = { signal: undefined, dispose: () => undefined };

/**
 * One signal that fires when any given signal fires or the deadline passes. Listeners and the timer
 * are removed by dispose(), so a long-lived signal shared by many calls collects nothing.
 */
export function linkSignals(callSignal: AbortSignal | undefined, clientSignal: AbortSignal | undefined, deadlineMs: number | undefined): LinkedSignal {
  if (deadlineMs === undefined) {
    if (!callSignal && !clientSignal) return nothing;
    if (!callSignal || !clientSignal) return { signal: callSignal ?? clientSignal, dispose: () => undefined };
  }
  const present = [callSignal, clientSignal].filter((s): s is AbortSignal => s !== undefined);
  const controller = new AbortController();
  const aborted = present.find((s) => s.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, dispose: () => undefined };
  }
  const forward = (event: Event): void => controller.abort((event.target as AbortSignal).reason);
  for (const s of present) s.addEventListener('abort', forward, { once: true });
  const timer =
    deadlineMs === undefined
      ? undefined
      : setTimeout(() => controller.abort(new TimeoutError(`the call's deadline of ${deadlineMs} ms passed`, { code: 'DeadlineExceeded' })), deadlineMs);
  return {
    signal: controller.signal,
    dispose: () => {
      if (timer) clearTimeout(timer);
      for (const s of present) s.removeEventListener('abort', forward);
    },
  };
}

/**
 * A signal of the client's own that fires when the caller's does. Every call in flight listens to the
 * client's signal, so dozens of listeners at once are expected: on this signal Node's leak warning
 * (past 10 listeners) is turned off, and the caller's signal carries a single listener.
 */
export function followSignal(signal: AbortSignal): AbortSignal {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  if (signal.aborted) controller.abort(signal.reason);
  else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  return controller.signal;
}
