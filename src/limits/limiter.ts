/**
 * Client-side limits shared by every call of one client: a request rate (qps), a number of calls in
 * flight (maxConcurrency), and a pause that all calls honour after the console throttles one of them.
 * Nothing here costs anything when no limit is set.
 */
import { abortErrorFrom } from '../errors.js';
import { sleep } from './sleep.js';

export interface LimitOptions {
  qps?: number | undefined;
  maxConcurrency?: number | undefined;
}

export type Release = () => void;
/** What acquire gives when no concurrency limit is set: there is no slot to give back. */
export const NO_SLOT: Release = () => undefined;

/** What a client needs of its limits: this local limiter, or one that shares the rate through a store (shared-rate.ts). */
export interface Limiter {
  acquire(signal?: AbortSignal): Release | Promise<Release>;
  /** After a throttle: no call of this client starts another attempt before `ms` from now. */
  pause(ms: number): void;
  /** Each answer of the console: its headers (lower-case names), and whether the client classed it as a throttle. */
  observe(headers: Readonly<Record<string, string>> | undefined, throttled: boolean): void;
  close(): Promise<void>;
}

export class CallLimiter implements Limiter {
  readonly #interval: number;
  readonly #maxConcurrency: number;
  #nextSlot = 0;
  #inFlight = 0;
  #waiting: Array<() => void> = [];
  #pausedUntil = 0;

  constructor(options: LimitOptions) {
    this.#interval = options.qps ? 1000 / options.qps : 0;
    this.#maxConcurrency = options.maxConcurrency ?? Infinity;
  }

  /**
   * A slot under every limit; the returned function gives the concurrency slot back. Without limits
   * and outside a throttle pause it answers at once, without a promise.
   */
  acquire(signal?: AbortSignal): Release | Promise<Release> {
    if (this.#interval === 0 && this.#maxConcurrency === Infinity && this.#pausedUntil <= Date.now()) return NO_SLOT;
    return this.#acquire(signal);
  }

  async #acquire(signal?: AbortSignal): Promise<Release> {
    const pause = this.#pausedUntil - Date.now();
    if (pause > 0) await sleep(pause, signal);
    if (this.#interval > 0) {
      const now = Date.now();
      const slot = Math.max(now, this.#nextSlot);
      this.#nextSlot = slot + this.#interval;
      if (slot > now) await sleep(slot - now, signal);
    }
    if (this.#maxConcurrency === Infinity) return NO_SLOT;
    // A released slot passes straight to the next waiter, so no newcomer can slip in between.
    if (this.#inFlight < this.#maxConcurrency) this.#inFlight++;
    else await this.#queue(signal);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#inFlight--;
    };
  }

  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + ms);
  }

  /** A local limit learns nothing from answers: the pause after a throttle is all it does. */
  observe(): void {}

  close(): Promise<void> {
    return Promise.resolve();
  }

  #queue(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        this.#waiting = this.#waiting.filter((w) => w !== wake);
        reject(abortErrorFrom(signal!));
      };
      this.#waiting.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
