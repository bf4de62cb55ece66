/**
 * Signing a prepared call into the HTTP request that leaves, at the client's clock: local time plus the
 * offset learnt from a RequestExpired answer (clock skew). The ConsoleSigner is built at the first
 * signature, so a client without credentials fails at its first call, not at creation.
 */
import { holdSecrets } from '../logging/redact.js';
import type { HttpRequest } from '../transport/types.js';
import type { PreparedCall } from '../validation/prepare.js';
import { formatTimestamp, sign, type Credentials } from './bce-auth-v1.js';
import { clockOffsetFrom } from './clock.js';
import { CONSOLE_SIGNED_HEADERS, consoleHeaders, ConsoleSigner } from './console-signer.js';

export interface RequestSignerOptions {
  origin: string;
  host: string;
  expirationSeconds: number;
  /** Called at the first signature unless useCredentials came first: throws when there are none. */
  credentials: () => Credentials;
  /** Sent with every request, unsigned. */
  userAgent: () => string;
}

export class RequestSigner {
  readonly #options: RequestSignerOptions;
  #credentials: Credentials | undefined;
  #signer: ConsoleSigner | undefined;
  #clockOffsetMs = 0;

  constructor(options: RequestSignerOptions) {
    this.#options = options;
  }

  /** Server time minus local time, as learnt from a RequestExpired answer; added to the clock when signing. */
  get clockOffsetMs(): number {
    return this.#clockOffsetMs;
  }

  /** Signs from now on with these credentials (a provider's latest); the signer is rebuilt only when they changed. */
  useCredentials(credentials: Credentials): void {
    if (credentials === this.#credentials) return;
    this.#credentials = credentials;
    this.#signer = this.#signerFor(credentials);
  }

  /**
   * Takes the server's clock from a response's Date header, believed within a day (clockOffsetFrom);
   * returns why it was not believed, for a warning. A missing date changes nothing.
   */
  learnClockOffset(date: string | undefined): string | undefined {
    const offset = clockOffsetFrom(date, Date.now());
    if (typeof offset !== 'number') return offset;
    this.#clockOffsetMs = offset;
    return undefined;
  }

  /**
   * The signed HTTP request for a prepared call, at the client's clock. `extraHeaders` (from middleware)
   * are sent too, the x-bce-* among them signed; such a request is signed afresh rather than from the cache.
   */
  sign(prepared: PreparedCall, nowMs = Date.now() + this.#clockOffsetMs, extraHeaders?: Readonly<Record<string, string>>): HttpRequest {
    this.#signer ??= this.#createSigner();
    const { path, name, target } = prepared.action;
    const headers = extraHeaders ? this.#signWith(extraHeaders, path, name.action, nowMs) : this.#signer.headersAt(path, name.action, nowMs, target);
    return { origin: this.#options.origin, path: target, method: 'POST', headers, body: prepared.json };
  }

  #signWith(extraHeaders: Readonly<Record<string, string>>, path: string, action: string, nowMs: number): Record<string, string> {
    const credentials = this.#credentials!;
    const timestamp = formatTimestamp(nowMs);
    const headers = { ...extraHeaders, ...consoleHeaders(this.#options.host, timestamp, credentials.sessionToken) };
    const { authorization } = sign(credentials, {
      method: 'POST',
      path,
      query: [['Action', action]],
      headers,
      timestamp,
      expirationSeconds: this.#options.expirationSeconds,
      headersToSign: CONSOLE_SIGNED_HEADERS,
    });
    return { ...headers, authorization, 'user-agent': this.#options.userAgent() };
  }

  #createSigner(): ConsoleSigner {
    this.#credentials = this.#options.credentials();
    return this.#signerFor(this.#credentials);
  }

  #signerFor(credentials: Credentials): ConsoleSigner {
    // Every error and log line is scrubbed of these while the client lives, whatever path made it.
    holdSecrets(this, [credentials.secretKey, credentials.sessionToken]);
    const { host, expirationSeconds, userAgent } = this.#options;
    return new ConsoleSigner(credentials, host, expirationSeconds, { 'user-agent': userAgent() });
  }
}
