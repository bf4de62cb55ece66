/**
 * One account, many processes: a qps budget kept in Redis (redis-bucket.ts) and shared by every client
 * that names the same store and key. The console's throttle answers cut the shared rate for everyone,
 * which then climbs back to qps; an X-Ratelimit-Limit-Requests header caps it. maxConcurrency and the
 * pause after a throttle stay per client. The store is never a reason for a call to fail: while it is
 * out of reach (or slower than timeoutMs) calls go on under the client's own qps, with one warning, and
 * rejoin the shared budget when a probe finds it again.
 */
import { abortErrorFrom, ConfigError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { packageRequire } from '../runtime/require.js';
import { CallLimiter, type Limiter, type Release } from './limiter.js';
import type { RateStoreSettings, RedisRateStore } from './redis-store.js';
import { sleep } from './sleep.js';

/** How the shared rate adapts; every field has a default. */
export interface SharedRateOptions {
  /** The shared rate is multiplied by this at a throttle answer (default 0.5). */
  decrease?: number;
  /** Queries per second the shared rate regains each second after a cut (default qps / 10). */
  recoveryPerSecond?: number;
  /** The shared rate never falls below this (default qps / 10). */
  minQps?: number;
  /** How long a call waits on the store before it goes on under the local limit (default 250 ms). */
  timeoutMs?: number;
  /** Seconds that X-Ratelimit-Limit-Requests counts over (default 60: the official SDKs read it per minute). */
  limitHeaderWindowSeconds?: number;
}

export interface LimiterSettings {
  qps: number | undefined;
  maxConcurrency: number | undefined;
  /** redis://host:port/db (or rediss://); none: the limits are this client's own. */
  qpsStore: string | undefined;
  /** Names the shared budget; default: a hash of the access key, so one account shares one budget. */
  qpsKey: string | undefined;
  accessKey: string | undefined;
  sharedRate: SharedRateOptions | undefined;
  logger: Logger;
}

/** The local limiter, or, with a store, the shared one. Checks the settings: a bad one is a ConfigError now, not at the first call. */
export function createLimiter(settings: LimiterSettings): Limiter {
  if (settings.qpsStore === undefined) return new CallLimiter(settings);
  return new SharedRateLimiter(settings);
}

/** Enough reserved ahead that a slot is never missed for want of a client asking in time; few enough to follow a cut at once. */
const RESERVE_HORIZON_SLOTS = 3;
/**
 * A reserved slot is a moment on the Redis clock. A request that leaves later than LATE_MS after its
 * slot (a slow answer from the store, a busy event loop) gives the slot up and asks for another; and
 * slots are spaced for PACE × the rate. Together they keep every one-second window within the rate:
 * 31 requests of a 30 qps budget would need one to leave 1000 × (1 − PACE) / PACE ≈ 52 ms later
 * than another.
 */
const LATE_MS = 50;
const PACE = 0.95;
/** A call gives up at most this many late slots, then goes anyway: a process that late every time is overloaded. */
const MAX_LATE_SLOTS = 3;
const CUT_COOLDOWN_MS = 1000;
const BUDGET_EXPIRY_MS = 10 * 60_000;
const MAX_PROBE_DELAY_MS = 2000;

class SharedRateLimiter implements Limiter {
  /** maxConcurrency and the pause after a throttle: per client. */
  readonly #gate: CallLimiter;
  /** The client's own qps, in force while the store is out of reach. */
  readonly #local: CallLimiter;
  readonly #storeSettings: RateStoreSettings;
  /** The store as it may be shown: no password. */
  readonly #storeName: string;
  readonly #qps: number;
  readonly #headerWindowSeconds: number;
  readonly #logger: Logger;
  #store: Promise<RedisRateStore> | undefined;
  /** False from a store failure until a probe gets an answer again. */
  #shared = true;
  #probe: NodeJS.Timeout | undefined;
  /** A client asks the store for one slot at a time, so its waiting calls do not poll it all at once. */
  #queue: Promise<unknown> = Promise.resolve();
  #announcedQps: number | undefined;

  constructor(settings: LimiterSettings) {
    const url = checkStore(settings.qpsStore!);
    const qps = settings.qps;
    if (qps === undefined) throw new ConfigError('qpsStore shares a qps budget: set qps (or QIANFAN_QPS_LIMIT) too', { code: 'InvalidConfig' });
    const tuning = settings.sharedRate ?? {};
    const tuned = (name: keyof SharedRateOptions, fallback: number, atMost: number): number =>
      checkNumber(tuning[name], `sharedRate.${name}`, fallback, atMost);
    const key = checkKey(settings.qpsKey) ?? accountHash(settings.accessKey ?? '');
    this.#qps = qps;
    this.#storeName = `${url.protocol}//${url.host}${url.pathname}`;
    this.#headerWindowSeconds = tuned('limitHeaderWindowSeconds', 60, Infinity);
    this.#logger = settings.logger;
    this.#gate = new CallLimiter({ maxConcurrency: settings.maxConcurrency });
    this.#local = new CallLimiter({ qps });
    const timeoutMs = tuned('timeoutMs', 250, Infinity);
    if (!Number.isInteger(timeoutMs))
      throw new ConfigError(`sharedRate.timeoutMs must be a whole number of milliseconds, got ${timeoutMs}`, { code: 'InvalidConfig' });
    this.#storeSettings = {
      url: url.href,
      key: `qianfan-console:qps:${key}`,
      qps,
      decrease: tuned('decrease', 0.5, 1),
      recoveryPerSecond: tuned('recoveryPerSecond', qps / 10, Infinity),
      minQps: tuned('minQps', qps / 10, qps),
      timeoutMs,
      horizonSlots: RESERVE_HORIZON_SLOTS,
      pace: PACE,
      cooldownMs: CUT_COOLDOWN_MS,
      expiryMs: BUDGET_EXPIRY_MS,
      onDisconnect: (reason) => this.#lost(reason),
    };
  }

  acquire(signal?: AbortSignal): Promise<Release> {
    return this.#acquire(signal);
  }

  pause(ms: number): void {
    this.#gate.pause(ms);
  }

  observe(headers: Readonly<Record<string, string>> | undefined, throttled: boolean): void {
    if (!this.#shared) return;
    // The console saying no request is left in its window is a throttle that has not happened yet.
    if (throttled || headers?.['x-ratelimit-remaining-requests'] === '0') this.#report((store) => store.throttled());
    const limit = Number(headers?.['x-ratelimit-limit-requests']);
    if (limit > 0 && limit / this.#headerWindowSeconds !== this.#announcedQps) {
      const announced = (this.#announcedQps = limit / this.#headerWindowSeconds);
      this.#report((store) => store.limit(announced));
    }
  }

  async close(): Promise<void> {
    clearTimeout(this.#probe);
    this.#shared = false;
    const store = this.#store;
    this.#store = undefined;
    if (store)
      await store.then(
        (s) => s.close(),
        () => undefined,
      );
  }

  async #acquire(signal: AbortSignal | undefined): Promise<Release> {
    let shared = this.#shared;
    if (shared) {
      try {
        await this.#reserve(signal);
      } catch (error) {
        if (signal?.aborted) throw error;
        this.#lost(describe(error));
        shared = false;
      }
    }
    if (!shared) await this.#local.acquire(signal);
    return this.#gate.acquire(signal);
  }

  /**
   * Waits for this client's turn to ask, asks until a slot is reserved, then waits for the slot; gives
   * a slot up when it would leave too late (LATE_MS).
   */
  async #reserve(signal: AbortSignal | undefined): Promise<void> {
    for (let late = 0; ; late++) {
      const turn = this.#queue.then(() => this.#askForSlot(signal));
      this.#queue = turn.catch(() => undefined);
      const { askedAt, waitMs } = await whileNotAborted(turn, signal);
      // The slot is waitMs after the moment Redis ran the script, somewhere between asking and the
      // answer: waiting from the answer never leaves early, and askedAt bounds how late it leaves.
      await sleep(waitMs, signal);
      if (performance.now() - (askedAt + waitMs) <= LATE_MS || late === MAX_LATE_SLOTS) return;
    }
  }

  async #askForSlot(signal: AbortSignal | undefined): Promise<{ askedAt: number; waitMs: number }> {
    const store = await this.#connect();
    for (;;) {
      if (signal?.aborted) throw abortErrorFrom(signal);
      if (!this.#shared) throw new Error('the store was lost while this call waited');
      const askedAt = performance.now();
      const waitMs = await store.take();
      if (waitMs >= 0) return { askedAt, waitMs };
      // Nothing reserved yet: every slot within the horizon is taken. The random part spreads the
      // clients that wait for the same slot, so none is always the last to ask.
      await sleep(-waitMs + Math.random() * (1000 / this.#qps), signal);
    }
  }

  #connect(): Promise<RedisRateStore> {
    this.#store ??= import('./redis-store.js').then((m) => new m.RedisRateStore(this.#storeSettings));
    return this.#store;
  }

  #report(update: (store: RedisRateStore) => Promise<unknown>): void {
    this.#connect()
      .then(update)
      .catch((error: unknown) => this.#lost(describe(error)));
  }

  /** The store failed: one warning, then calls go on under the local limit while probes look for it. */
  #lost(reason: string): void {
    if (!this.#shared || this.#store === undefined) return;
    this.#shared = false;
    this.#logger.warn(
      `the shared qps budget in ${this.#storeName} is out of reach (${reason}); calls go on under this client's own limit of ${this.#qps} qps until it answers again`,
    );
    this.#probeAfter(100);
  }

  #probeAfter(delayMs: number): void {
    this.#probe = setTimeout(() => {
      const store = this.#store;
      if (!store) return;
      store
        .then((s) => s.ping())
        .then(
          () => {
            this.#shared = true;
            this.#logger.debug(`the shared qps budget in ${this.#storeName} answers again; calls share it again`);
          },
          () => this.#probeAfter(Math.min(delayMs * 2, MAX_PROBE_DELAY_MS)),
        );
    }, delayMs);
    // A probe alone does not keep the process alive.
    this.#probe.unref();
  }
}

/** The promise, or an AbortError as soon as the signal fires (the promise runs on, unobserved). */
function whileNotAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortErrorFrom(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortErrorFrom(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function checkStore(store: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(store);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !/^\/?\d*$/.test(url.pathname)) {
    // The text given is not repeated: it may hold the store's password.
    throw new ConfigError('qpsStore / QIANFAN_QPS_STORE must be a Redis URL such as redis://127.0.0.1:6379/0 (rediss:// for TLS)', { code: 'InvalidConfig' });
  }
  return url;
}

function checkKey(key: unknown): string | undefined {
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || key.trim() === '')
    throw new ConfigError(`qpsKey must be a non-empty string, got ${JSON.stringify(key)}`, { code: 'InvalidConfig' });
  return key;
}

function checkNumber(value: unknown, name: string, fallback: number, atMost: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > atMost) {
    const range = atMost === Infinity ? 'a positive number' : `a number above 0 and at most ${atMost}`;
    throw new ConfigError(`${name} must be ${range}, got ${JSON.stringify(value)}`, { code: 'InvalidConfig' });
  }
  return value;
}

/** The budget's default name: the account, hashed so that the access key itself is not written to Redis. */
function accountHash(accessKey: string): string {
  const { createHash } = packageRequire('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(accessKey).digest('hex').slice(0, 24);
}
