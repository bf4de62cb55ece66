/**
 * The default transport: undici, one keep-alive pool per client for the console's origin.
 * undici is imported on the first send, so importing the package does not pay for it.
 */
import type { Dispatcher, Pool } from 'undici';
import { ResponseError } from '../errors.js';
import { abortErrorFrom, tooLarge, transportFailure, truncated } from './failures.js';
import type { HttpRequest, HttpResponse, SendOptions, Transport, TransportOptions } from './types.js';

export class UndiciTransport implements Transport {
  /** The pool of each origin once made; the promise while undici loads. */
  #pools = new Map<string, Pool | Promise<Pool>>();
  #closed = false;

  constructor(private readonly options: TransportOptions) {}

  #pool(origin: string): Pool | Promise<Pool> {
    let pool = this.#pools.get(origin);
    if (!pool) {
      const created = import('undici').then(({ Pool }) => {
        const made = new Pool(origin, { connections: this.options.maxSockets, connect: { timeout: this.options.connectTimeoutMs }, keepAliveTimeout: 4_000 });
        this.#pools.set(origin, made);
        return made;
      });
      this.#pools.set(origin, created);
      pool = created;
    }
    return pool;
  }

  async send(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
    if (this.#closed) throw new ResponseError('the client was closed', { code: 'ClientClosed' });
    const { signal } = options;
    if (signal?.aborted) throw abortErrorFrom(signal);
    const found = this.#pool(request.origin);
    const pool = found instanceof Promise ? await found : found;
    let response: Dispatcher.ResponseData;
    try {
      response = await pool.request({
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
    if (Number(response.headers['content-length']) > options.maxResponseBytes) {
      response.body.destroy();
      throw tooLarge(options.maxResponseBytes);
    }
    let body: Uint8Array;
    try {
      body = await readLimited(response.body, options.maxResponseBytes);
    } catch (error) {
      throw truncated(transportFailure(error, signal, options.timeoutMs));
    }
    return { status: response.statusCode, headers: singleValued(response.headers), body };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map(async (p) => (await p).close()));
  }
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
  for (const value of Object.values(headers)) {
    if (typeof value !== 'string') {
      const flat: Record<string, string> = {};
      for (const [name, v] of Object.entries(headers)) if (v !== undefined) flat[name] = Array.isArray(v) ? v.join(', ') : v;
      return flat;
    }
  }
  return headers as Record<string, string>;
}
