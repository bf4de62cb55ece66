/**
 * The Redis side of a shared rate: one ioredis connection per client and the script of
 * redis-bucket.ts. Loaded (with ioredis) only when a client has a qpsStore: importing the package
 * or calling without a store never reaches this file.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { SHARED_RATE_SCRIPT } from './redis-bucket.js';

// A require of its own rather than runtime/require.ts: a module this file shared with the package
// entry would become a bundle chunk of its own, one more file to load at import.
const require = createRequire(import.meta.url);

export interface RateStoreSettings {
  url: string;
  key: string;
  qps: number;
  decrease: number;
  recoveryPerSecond: number;
  minQps: number;
  timeoutMs: number;
  /** How many slots ahead a client may reserve one; past that, it asks again later. */
  horizonSlots: number;
  /** Slots are spaced 1/(rate × pace) apart. */
  pace: number;
  /** One cut per cooldown, however many calls saw the same throttle. */
  cooldownMs: number;
  /** A budget nobody used for this long is forgotten (the rate starts again at qps). */
  expiryMs: number;
  /** The connection dropped (with the last error seen): calls should stop waiting on the store at once. */
  onDisconnect: (reason: string) => void;
}

/** Redis with the script defined as a command (ioredis sends EVALSHA, and EVAL once on NOSCRIPT). */
type ScriptedRedis = Redis & { qianfanSharedRate(key: string, ...args: Array<string | number>): Promise<[number, string]> };

/** Reconnection backoff: 100 ms doubling to 2 s, forever (a client outlives an outage of its store). */
const reconnectDelay = (attempt: number): number => Math.min(100 * 2 ** (attempt - 1), 2000);

export class RedisRateStore {
  readonly #redis: ScriptedRedis;
  readonly #settings: RateStoreSettings;
  #closing = false;

  constructor(settings: RateStoreSettings) {
    this.#settings = settings;
    const { Redis: RedisClient } = require('ioredis') as typeof import('ioredis');
    const redis = new RedisClient(settings.url, {
      // A command the store cannot answer in time fails, and the call goes on under the local limit.
      commandTimeout: settings.timeoutMs,
      connectTimeout: Math.max(settings.timeoutMs, 1000),
      // While disconnected, queued commands fail at each reconnection attempt instead of piling up.
      maxRetriesPerRequest: 0,
      retryStrategy: reconnectDelay,
      lazyConnect: false,
    }) as ScriptedRedis;
    redis.defineCommand('qianfanSharedRate', { numberOfKeys: 1, lua: SHARED_RATE_SCRIPT });
    // Without a listener ioredis would print each failed reconnection; the limiter warns once instead.
    let lastError = 'the connection closed';
    redis.on('error', (error: Error) => {
      lastError = error.message;
    });
    // Like the console's connection pool, an idle connection to the store does not keep the process
    // alive: a script may end without close(). A command waiting for Redis holds its own timer.
    redis.on('connect', () => redis.stream.unref());
    redis.on('close', () => {
      if (!this.#closing) settings.onDisconnect(lastError);
    });
    this.#redis = redis;
  }

  /** The wait in ms for a reserved slot (≥ 0), or minus the ms until a slot comes within the horizon. */
  async take(): Promise<number> {
    const [micros] = await this.#run('take', this.#settings.horizonSlots, this.#settings.pace);
    return micros / 1000;
  }

  /** The console throttled a call: the shared rate is cut (once per cooldown). */
  async throttled(): Promise<void> {
    const { cooldownMs, decrease } = this.#settings;
    await this.#run('throttle', cooldownMs * 1000, decrease);
  }

  /** The console announced its limit: the shared rate stays at or below `qps`. */
  async limit(qps: number): Promise<void> {
    await this.#run('limit', qps);
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#redis.disconnect();
  }

  #run(op: string, ...args: Array<string | number>): Promise<[number, string]> {
    const { key, qps, recoveryPerSecond, minQps, expiryMs } = this.#settings;
    return this.#redis.qianfanSharedRate(key, op, qps, recoveryPerSecond, minQps, expiryMs, ...args);
  }
}
