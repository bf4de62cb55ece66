/**
 * One attempt of a call, as the retry loop asks for it: fresh keys from a credentials provider, a slot
 * under the client's limits, the request signed at the moment it leaves, then the transport.
 */
import type { CredentialCache } from '../credentials/cache.js';
import { NO_SLOT, type Limiter, type Release } from '../limits/limiter.js';
import { requestLine } from '../logging/debug-lines.js';
import type { RequestSigner } from '../signing/request-signer.js';
import type { HttpResponse, Transport } from '../transport/types.js';
import type { PreparedCall } from '../validation/prepare.js';

/** What an attempt goes through; the client owns all of it. */
export interface AttemptParts {
  readonly signer: RequestSigner;
  readonly limiter: Limiter;
  readonly transport: Transport;
  /** Only with a credentials provider: asked before each attempt, answers at once while its keys are valid. */
  readonly credentials: CredentialCache | undefined;
  readonly maxResponseBytes: number;
  /** Receives each attempt's request line; given only when debug lines are wanted. */
  readonly debug: ((line: string) => void) | undefined;
}

/**
 * Plain promises rather than async functions: this runs once per attempt, and without limits it adds
 * no promise of its own to the transport's.
 */
export class AttemptSender {
  readonly #parts: AttemptParts;

  constructor(parts: AttemptParts) {
    this.#parts = parts;
  }

  /** One request under the client's limits, signed at the moment it leaves; the slot is not held while a retry waits. */
  send(
    prepared: PreparedCall,
    headers: Record<string, string> | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    attempt: number,
    maxAttempts: number,
  ): Promise<HttpResponse> {
    const { credentials, signer } = this.#parts;
    if (credentials) {
      // Before taking a slot: a refresh of the keys does not hold one.
      const current = credentials.get();
      if (current instanceof Promise) {
        return current.then((keys) => {
          signer.useCredentials(keys);
          return this.#limited(prepared, headers, signal, timeoutMs, attempt, maxAttempts);
        });
      }
      signer.useCredentials(current);
    }
    return this.#limited(prepared, headers, signal, timeoutMs, attempt, maxAttempts);
  }

  #limited(
    prepared: PreparedCall,
    headers: Record<string, string> | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    attempt: number,
    maxAttempts: number,
  ): Promise<HttpResponse> {
    const slot = this.#parts.limiter.acquire(signal);
    if (typeof slot !== 'function') return slot.then((release) => this.#sendHolding(release, prepared, headers, signal, timeoutMs, attempt, maxAttempts));
    return this.#sendHolding(slot, prepared, headers, signal, timeoutMs, attempt, maxAttempts);
  }

  #sendHolding(
    release: Release,
    prepared: PreparedCall,
    headers: Record<string, string> | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    attempt: number,
    maxAttempts: number,
  ): Promise<HttpResponse> {
    const { signer, transport, maxResponseBytes, debug } = this.#parts;
    let sent: Promise<HttpResponse>;
    try {
      const request = signer.sign(prepared, undefined, headers);
      if (debug) debug(requestLine(prepared, request, attempt, maxAttempts));
      sent = transport.send(request, { signal, timeoutMs: Math.max(1, timeoutMs), maxResponseBytes });
    } catch (error) {
      release();
      return Promise.reject(error);
    }
    return release === NO_SLOT ? sent : sent.finally(release);
  }
}
