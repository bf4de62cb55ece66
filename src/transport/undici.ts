/**
 * The default transport: undici, one keep-alive pool per client for the console's origin.
 * undici is imported on the first send, so importing the package does not pay for it.
 *
 * A console answer is a small JSON document read whole, so requests go through undici's dispatch API
 * with a handler that collects the body's chunks: no stream, no async resource per response, which is
 * what undici's `request()` builds for callers that want to stream.
 */
import type { Dispatcher, Pool, ProxyAgent } from 'undici';
import { abortErrorFrom, ResponseError, TimeoutError } from '../errors.js';
import { tooLarge, transportFailure, truncated } from './failures.js';
import type { HttpRequest, HttpResponse, SendOptions, Transport, TransportOptions } from './types.js';
import { packageRequire } from '../runtime/require.js';

export class UndiciTransport implements Transport {
  /** One pool per origin, made on the first send to it; or, with a proxy, one agent for every origin. */
  #pools = new Map<string, Dispatcher>();
  #proxyAgent: Dispatcher | undefined;
  #connectionWaits = new ConnectionWaits();
  #closed = false;

  constructor(private readonly options: TransportOptions) {}

  #dispatcher(origin: string): Dispatcher {
    const { proxy, maxSockets, connectTimeoutMs } = this.options;
    if (proxy) {
      // The package index, not the module alone: the proxy agent opens its tunnels with the connect API
      // that the index attaches to every dispatcher. Only a proxied client pays for loading it.
      this.#proxyAgent ??= new (packageRequire('undici') as { ProxyAgent: typeof ProxyAgent }).ProxyAgent({ uri: proxy, connections: maxSockets, keepAliveTimeout: 4_000 });
      return this.#proxyAgent;
    }
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new (loadPool())(origin, { connections: maxSockets, connect: { timeout: connectTimeoutMs }, keepAliveTimeout: 4_000 });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  send(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
    if (this.#closed) return Promise.reject(new ResponseError('the client was closed', { code: 'ClientClosed' }));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
    const dispatcher = this.#dispatcher(request.origin);
    return new Promise((resolve, reject) => {
      const handler = new CollectingHandler(resolve, reject, options);
      const poolHasRoom = dispatcher.dispatch(
        {
          origin: request.origin,
          path: request.path,
          method: request.method,
          headers: request.headers,
          body: request.body,
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        },
        handler,
      );
      // Every connection busy: this request may wait for one, and undici's own timers start only when
      // it is written. Only then is the wait watched.
      if (!poolHasRoom) handler.watchConnectionWait(this.#connectionWaits);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values(), ...(this.#proxyAgent ? [this.#proxyAgent] : [])];
    this.#pools.clear();
    this.#proxyAgent = undefined;
    await Promise.all(pools.map((p) => p.close()));
  }
}

/**
 * Receives one response: its head, then its body whole, refused as soon as it grows past the limit.
 * Errors reach onResponseError already mapped onto our classes.
 */
class CollectingHandler implements Dispatcher.DispatchHandler {
  readonly #resolve: (response: HttpResponse) => void;
  readonly #reject: (error: Error) => void;
  readonly #options: SendOptions;
  #controller: Dispatcher.DispatchController | undefined;
  /** Why the call was given up before its request started (aborted, or no connection came free in time). */
  #refusal: Error | undefined;
  #connectionWaits: ConnectionWaits | undefined;
  /** When the wait for a free connection ends (performance.now() clock), and its place among the watched. */
  connectionWaitEndsAt = 0;
  connectionWaitIndex = -1;
  #onAbort: (() => void) | undefined;
  #status = 0;
  #headers: Record<string, string> | undefined;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(resolve: (response: HttpResponse) => void, reject: (error: Error) => void, options: SendOptions) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#options = options;
    const { signal } = options;
    if (signal) {
      this.#onAbort = () => this.#giveUp(abortErrorFrom(signal));
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** The request waits in the pool for a free connection: that wait, too, ends after timeoutMs. */
  watchConnectionWait(waits: ConnectionWaits): void {
    if (this.#controller || this.#refusal) return;
    this.connectionWaitEndsAt = performance.now() + this.#options.timeoutMs;
    this.#connectionWaits = waits;
    waits.add(this);
  }

  connectionWaitTimedOut(): void {
    const { timeoutMs } = this.#options;
    this.#giveUp(new TimeoutError(`no connection to the console came free within ${timeoutMs} ms (every one of maxSockets busy)`, { code: 'ConnectionWaitTimeout' }));
  }

  /**
   * Ends the call with `error`. A request already started is aborted through its controller; one still
   * queued for a connection is refused at once and stopped in onRequestStart before it is written.
   */
  #giveUp(error: Error): void {
    if (this.#controller) {
      this.#controller.abort(error);
      return;
    }
    this.#refusal = error;
    this.#settled();
    this.#reject(error);
  }

  /** Called again if undici retries the request on a fresh connection: start over. */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#refusal) {
      controller.abort(this.#refusal);
      return;
    }
    this.#connectionWaits?.delete(this);
    this.#controller = controller;
    this.#headers = undefined;
    this.#chunks = [];
    this.#size = 0;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return;
    this.#status = statusCode;
    this.#headers = singleValued(headers);
    if (Number(this.#headers['content-length']) > this.#options.maxResponseBytes) controller.abort(tooLarge(this.#options.maxResponseBytes));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#size += chunk.length;
    if (this.#size > this.#options.maxResponseBytes) {
      controller.abort(tooLarge(this.#options.maxResponseBytes));
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    this.#settled();
    const chunks = this.#chunks;
    this.#resolve({ status: this.#status, headers: this.#headers!, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, this.#size) });
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.#settled();
    const failure = transportFailure(error, this.#options.signal, this.#options.timeoutMs);
    this.#reject(this.#headers ? truncated(failure) : failure);
  }

  #settled(): void {
    this.#connectionWaits?.delete(this);
    if (this.#onAbort) this.#options.signal!.removeEventListener('abort', this.#onAbort);
  }
}

/**
 * The calls of a transport waiting for a free connection, watched by one timer for all of them rather
 * than one each (at high concurrency every request may wait). A wait ends within SWEEP_MS after its
 * timeoutMs; the timer runs only while some call waits.
 */
class ConnectionWaits {
  static readonly SWEEP_MS = 100;
  /** Unordered; a handler knows its index, so it leaves in constant time (the last one takes its place). */
  readonly #waiting: CollectingHandler[] = [];
  #timer: NodeJS.Timeout | undefined;

  add(handler: CollectingHandler): void {
    handler.connectionWaitIndex = this.#waiting.push(handler) - 1;
    this.#timer ??= setInterval(() => this.#sweep(), ConnectionWaits.SWEEP_MS).unref();
  }

  delete(handler: CollectingHandler): void {
    const index = handler.connectionWaitIndex;
    if (index < 0) return;
    handler.connectionWaitIndex = -1;
    const last = this.#waiting.pop()!;
    if (last !== handler) {
      this.#waiting[index] = last;
      last.connectionWaitIndex = index;
    }
    if (this.#waiting.length === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #sweep(): void {
    const now = performance.now();
    // Backwards: a timed-out handler leaves, and the one moved into its place has been looked at.
    for (let i = this.#waiting.length - 1; i >= 0; i--) {
      const handler = this.#waiting[i];
      if (handler && handler.connectionWaitEndsAt <= now) handler.connectionWaitTimedOut();
    }
  }
}

/**
 * undici's Pool class alone. The package's index also loads fetch, WebSocket, caches and mocks — about
 * 100 ms on a cold start that a console call does not need. The path is stable within the exactly
 * pinned undici 7.30.2; every transport test fails at once if it moves.
 */
let PoolClass: typeof Pool | undefined;

function loadPool(): typeof Pool {
  PoolClass ??= packageRequire('undici/lib/dispatcher/pool.js') as typeof Pool;
  return PoolClass;
}

/** undici gives repeated headers as arrays; the pipeline reads single strings. Copies only when needed. */
function singleValued(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  for (const name in headers) {
    if (typeof headers[name] !== 'string') {
      const flat: Record<string, string> = {};
      for (const [name, v] of Object.entries(headers)) if (v !== undefined) flat[name] = Array.isArray(v) ? v.join(', ') : v;
      return flat;
    }
  }
  return headers as Record<string, string>;
}
