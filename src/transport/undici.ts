/**
 * The default transport: undici, one keep-alive pool per client for the console's origin.
 * undici is imported on the first send, so importing the package does not pay for it.
 *
 * A console answer is a small JSON document read whole, so requests go through undici's dispatch API
 * with a handler that collects the body's chunks: no stream, no async resource per response, which is
 * what undici's `request()` builds for callers that want to stream.
 */
import type { Dispatcher, Pool } from 'undici';
import { ResponseError, TimeoutError } from '../errors.js';
import { abortErrorFrom, tooLarge, transportFailure, truncated } from './failures.js';
import type { HttpRequest, HttpResponse, SendOptions, Transport, TransportOptions } from './types.js';
import { packageRequire } from '../runtime/require.js';

export class UndiciTransport implements Transport {
  /** One pool per origin, made on the first send to it. */
  #pools = new Map<string, Pool>();
  #closed = false;

  constructor(private readonly options: TransportOptions) {}

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = new (loadPool())(origin, { connections: this.options.maxSockets, connect: { timeout: this.options.connectTimeoutMs }, keepAliveTimeout: 4_000 });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  send(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
    if (this.#closed) return Promise.reject(new ResponseError('the client was closed', { code: 'ClientClosed' }));
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortErrorFrom(signal));
    const pool = this.#pool(request.origin);
    return new Promise((resolve, reject) => {
      const handler = new CollectingHandler(resolve, reject, options);
      const poolHasRoom = pool.dispatch(
        {
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
      // it is written. Only then is a timer worth its cost.
      if (!poolHasRoom) handler.boundConnectionWait();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
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
  #connectionWait: NodeJS.Timeout | undefined;
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
  boundConnectionWait(): void {
    if (this.#controller || this.#refusal) return;
    const { timeoutMs } = this.#options;
    this.#connectionWait = setTimeout(() => {
      this.#giveUp(new TimeoutError(`no connection to the console came free within ${timeoutMs} ms (every one of maxSockets busy)`, { code: 'ConnectionWaitTimeout' }));
    }, timeoutMs);
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
    clearTimeout(this.#connectionWait);
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
    clearTimeout(this.#connectionWait);
    if (this.#onAbort) this.#options.signal!.removeEventListener('abort', this.#onAbort);
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
