/**
 * The default transport: undici, one keep-alive pool per client for the console's origin.
 * undici is imported on the first send, so importing the package does not pay for it.
 */
import type { Dispatcher, Pool } from 'undici';
import { abortErrorFrom, tooLarge, transportFailure, truncated } from './failures.js';
import type { HttpRequest, HttpResponse, SendOptions, Transport, TransportOptions } from './types.js';
import { ResponseError } from '../errors.js';

export class UndiciTransport implements Transport {
  #pools = new Map<string, Promise<Pool>>();
  #closed = false;

  constructor(private readonly options: TransportOptions) {}

  #pool(origin: string): Promise<Pool> {
    let pool = this.#pools.get(origin);
    if (!pool) {
      pool = import('undici').then(
        ({ Pool }) =>
          new Pool(origin, {
            connections: this.options.maxSockets,
            connect: { timeout: this.options.connectTimeoutMs },
            keepAliveTimeout: 4_000,
          }),
      );
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async send(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
    if (this.#closed) throw new ResponseError('the client was closed', { code: 'ClientClosed' });
    const { signal } = options;
    if (signal?.aborted) throw abortErrorFrom(signal);
    const pool = await this.#pool(request.origin);
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
    const declared = Number(response.headers['content-length']);
    if (declared > options.maxResponseBytes) {
      response.body.destroy();
      throw tooLarge(options.maxResponseBytes);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          response.body.destroy();
          throw tooLarge(options.maxResponseBytes);
        }
        chunks.push(chunk);
      }
    } catch (error) {
      throw truncated(transportFailure(error, signal, options.timeoutMs));
    }
    return { status: response.statusCode, headers: flattenHeaders(response.headers), body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map(async (p) => (await p).close()));
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
