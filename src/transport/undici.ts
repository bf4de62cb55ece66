/**
 * The default transport: undici, one keep-alive pool per client for the console's origin.
 * undici is imported on the first send, so importing the package does not pay for it.
 *
 * A console answer is a small JSON document read whole, so requests go through undici's dispatch API
 * with a handler that collects the body's chunks: no stream, no async resource per response, which is
 * what undici's `request()` builds for callers that want to stream. Dispatch follows no redirect: a 3xx
 * comes back as it is, and the response parser refuses it.
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
  #deadlines = new AttemptDeadlines();
  #closed = false;

  constructor(private readonly options: TransportOptions) {}

  #dispatcher(origin: string): Dispatcher {
    const { proxy, maxSockets, connectTimeoutMs } = this.options;
    if (proxy) {
      // The package index, not the module alone: the proxy agent opens its tunnels with the connect API
      // that the index attaches to every dispatcher. Only a proxied client pays for loading it.
      this.#proxyAgent ??= new (packageRequire('undici') as { ProxyAgent: typeof ProxyAgent }).ProxyAgent({
        uri: proxy,
        connections: maxSockets,
        keepAliveTimeout: 4_000,
      });
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
      // Watched from now until the body's last byte: undici's own timers start only once the request is
      // written, and its body timer starts over with every chunk, so a server sending a byte every few
      // seconds would hold the call forever. One deadline for the whole attempt, armed once, replaces them.
      const handler = new CollectingHandler(resolve, reject, options, this.#deadlines);
      dispatcher.dispatch(
        { origin: request.origin, path: request.path, method: request.method, headers: request.headers, body: request.body, headersTimeout: 0, bodyTimeout: 0 },
        handler,
      );
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
  /** Why the call was given up before its request started (aborted, or no connection ready in time). */
  #refusal: Error | undefined;
  readonly #deadlines: AttemptDeadlines;
  /** When the attempt's time is up (performance.now() clock), and its place among the watched. */
  endsAt = 0;
  deadlineIndex = -1;
  #onAbort: (() => void) | undefined;
  #status = 0;
  #headers: Record<string, string> | undefined;
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(resolve: (response: HttpResponse) => void, reject: (error: Error) => void, options: SendOptions, deadlines: AttemptDeadlines) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#options = options;
    this.#deadlines = deadlines;
    deadlines.add(this, options.timeoutMs);
    const { signal } = options;
    if (signal) {
      this.#onAbort = () => this.#giveUp(abortErrorFrom(signal));
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** timeoutMs passed: what the attempt was waiting for says whether the request may have been sent. */
  deadlinePassed(): void {
    const { timeoutMs } = this.#options;
    if (!this.#controller) {
      this.#giveUp(
        new TimeoutError(
          `no connection to the console was ready within ${timeoutMs} ms (connecting, or every one of maxSockets busy); the request was not sent`,
          { code: 'ConnectionWaitTimeout' },
        ),
      );
    } else if (!this.#headers) {
      this.#giveUp(new TimeoutError(`no response within ${timeoutMs} ms`, { code: 'RequestTimeout' }));
    } else {
      this.#giveUp(new TimeoutError(`the response body did not arrive whole within ${timeoutMs} ms (${this.#size} bytes came)`, { code: 'RequestTimeout' }));
    }
  }

  /**
   * Ends the call with `error`. A request already started is aborted through its controller; one still
   * queued for a connection is refused at once and stopped in onRequestStart before it is written.
   */
  #giveUp(error: Error): void {
    // Given up once: the abort below may reach onResponseError only later, and the sweep must not come back.
    this.#deadlines.delete(this);
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
    this.#deadlines.delete(this);
    if (this.#onAbort) this.#options.signal!.removeEventListener('abort', this.#onAbort);
  }
}

/**
 * The attempts of a transport in flight, each with its deadline, watched by one timer for all of them
 * rather than one each: a call adds no timer of its own. An attempt ends within SWEEP_MS after its
 * timeoutMs; the timer runs only while some attempt is in flight.
 */
class AttemptDeadlines {
  static readonly SWEEP_MS = 100;
  /** Unordered; a handler knows its index, so it leaves in constant time (the last one takes its place). */
  readonly #watched: CollectingHandler[] = [];
  #timer: NodeJS.Timeout | undefined;

  add(handler: CollectingHandler, timeoutMs: number): void {
    handler.endsAt = performance.now() + timeoutMs;
    handler.deadlineIndex = this.#watched.push(handler) - 1;
    this.#timer ??= setInterval(() => this.#sweep(), AttemptDeadlines.SWEEP_MS).unref();
  }

  delete(handler: CollectingHandler): void {
    const index = handler.deadlineIndex;
    if (index < 0) return;
    handler.deadlineIndex = -1;
    const last = this.#watched.pop()!;
    if (last !== handler) {
      this.#watched[index] = last;
      last.deadlineIndex = index;
    }
    if (this.#watched.length === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #sweep(): void {
    const now = performance.now();
    // Backwards: a handler whose time is up leaves, and the one moved into its place has been looked at.
    for (let i = this.#watched.length - 1; i >= 0; i--) {
      const handler = this.#watched[i];
      if (handler && handler.endsAt <= now) handler.deadlinePassed();
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
