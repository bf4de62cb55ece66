/**
 * The default transport: undici, one keep-alive pool per client for the console's origin.
 * undici is imported on the first send, so importing the package does not pay for it.
 */
import { createRequire } from 'node:module';
import type { Dispatcher, Pool } from 'undici';
import { ResponseError } from '../errors.js';
import { abortErrorFrom, tooLarge, transportFailure, truncated } from './failures.js';
import type { HttpRequest, HttpResponse, SendOptions, Transport, TransportOptions } from './types.js';

export class UndiciTransport implements Transport {
  /** One pool per origin, made on the first send to it. */
  #pools = new Map<string, Pool>();
  #closed = false;

  constructor(private readonly options: TransportOptions) {}

  #pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      const { Pool } = loadUndici();
      pool = new Pool(origin, { connections: this.options.maxSockets, connect: { timeout: this.options.connectTimeoutMs }, keepAliveTimeout: 4_000 });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async send(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
    if (this.#closed) throw new ResponseError('the client was closed', { code: 'ClientClosed' });
    const { signal } = options;
    if (signal?.aborted) throw abortErrorFrom(signal);
    const pool = this.#pool(request.origin);
    let response: Dispatcher.ResponseData;
    try {
      response = await loadUndici().request.call(pool, {
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
    } catch (error) {
      throw transportFailure(error, signal, options.timeoutMs);
    }
    const declared = Number(response.headers['content-length']);
    if (declared > options.maxResponseBytes) {
      response.body.destroy();
      throw tooLarge(options.maxResponseBytes);
    }
    let body: Uint8Array;
    try {
      // A declared length within the limit lets undici collect the body itself (its fastest path); HTTP
      // framing will not deliver more. Without one, the body is counted as it streams.
      body = Number.isFinite(declared) ? await response.body.bytes() : await readLimited(response.body, options.maxResponseBytes);
    } catch (error) {
      throw truncated(transportFailure(error, signal, options.timeoutMs));
    }
    return { status: response.statusCode, headers: singleValued(response.headers), body };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.close()));
  }
}

/**
 * undici's Pool class and its request API alone. The package's index also loads fetch, WebSocket,
 * caches and mocks — about 100 ms on a cold start that a console call does not need. These paths are
 * stable within the exactly pinned undici 7.30.2; every transport test fails at once if they move.
 */
interface UndiciParts {
  Pool: typeof Pool;
  request: (this: Pool, options: Dispatcher.RequestOptions) => Promise<Dispatcher.ResponseData>;
}

let undiciParts: UndiciParts | undefined;

function loadUndici(): UndiciParts {
  if (!undiciParts) {
    const require = createRequire(import.meta.url);
    undiciParts = { Pool: require('undici/lib/dispatcher/pool.js') as typeof Pool, request: require('undici/lib/api/api-request.js') as UndiciParts['request'] };
  }
  return undiciParts;
}

/** The whole body, refused as soon as it grows past the limit (a data listener: cheaper than an async iterator per response). */
function readLimited(body: Dispatcher.ResponseData['body'], limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        body.destroy();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    body.on('error', reject);
  });
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
