/**
 * A transport over the global fetch, for runtimes without undici and for test suites that mock
 * HTTP with nock (which sees fetch but not undici's own sockets). Same contract as the undici one.
 */
import { abortErrorFrom, ResponseError } from '../errors.js';
import { tooLarge, transportFailure, truncated } from './failures.js';
import type { HttpRequest, HttpResponse, SendOptions, Transport } from './types.js';

export class FetchTransport implements Transport {
  #closed = false;

  async send(request: HttpRequest, options: SendOptions): Promise<HttpResponse> {
    if (this.#closed) throw new ResponseError('the client was closed', { code: 'ClientClosed' });
    const { signal } = options;
    if (signal?.aborted) throw abortErrorFrom(signal);
    // fetch has no head/body timeouts of its own: one timer bounds the whole attempt, body included.
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers = { ...request.headers };
    // fetch computes Host itself from the URL; the value it sends is the one we signed.
    delete headers['host'];
    let response: Response;
    try {
      // A redirect is handed back, never followed: the signed request must not travel to another host.
      response = await fetch(request.origin + request.path, { method: request.method, headers, body: request.body, signal: combined, redirect: 'manual' });
    } catch (error) {
      throw transportFailure(timeoutOrError(error, timeout), signal, options.timeoutMs);
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > options.maxResponseBytes) {
      await response.body?.cancel();
      throw tooLarge(options.maxResponseBytes);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    try {
      if (response.body) {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.length;
          if (size > options.maxResponseBytes) {
            await response.body.cancel().catch(() => undefined);
            throw tooLarge(options.maxResponseBytes);
          }
          chunks.push(chunk);
        }
      }
    } catch (error) {
      throw truncated(transportFailure(timeoutOrError(error, timeout), signal, options.timeoutMs));
    }
    const flat: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      flat[name] = value;
    });
    return { status: response.status, headers: flat, body: Buffer.concat(chunks, size) };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}

function timeoutOrError(error: unknown, timeout: AbortSignal): unknown {
  return timeout.aborted ? Object.assign(new Error('attempt timed out'), { code: 'ABORT_ERR_TIMEOUT' }) : error;
}
