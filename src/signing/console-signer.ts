/**
 * Signing console calls at speed. A console request signs only its route, its Action, its
 * content-type, host and x-bce-date (and an STS token) — never the body — so within one second every
 * call of an action carries the same headers. The signer keeps the last set per action and calls
 * `sign()` again only when the second (or the action) changes: the Authorization stays byte-identical
 * to a fresh signature, at the cost of one HMAC per action per second (and one per second for the
 * signing key) instead of two per call, and a call allocates no headers of its own.
 */
import { ConfigError } from '../errors.js';
import { authStringPrefix, deriveSigningKey, formatTimestamp, sign, type Credentials } from './bce-auth-v1.js';

/** The largest clock reading a Date can hold (±100,000,000 days from 1970): past it there is no timestamp to sign. */
const MAX_CLOCK_READING_MS = 8.64e15;

/** Headers a console request signs besides every x-bce-* header. */
export const CONSOLE_SIGNED_HEADERS: readonly string[] = ['content-type', 'host', 'x-bce-date'];
const CONSOLE_CONTENT_TYPE = 'application/json';

/** The headers a console request signs. */
export function consoleHeaders(host: string, timestamp: string, sessionToken: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { host, 'content-type': CONSOLE_CONTENT_TYPE, 'x-bce-date': timestamp };
  if (sessionToken) headers['x-bce-security-token'] = sessionToken;
  return headers;
}

/** The headers of a console request at one second: shared by every call of the action in that second, so frozen. */
export type SignedConsoleHeaders = Readonly<Record<string, string>> & { readonly 'x-bce-date': string; readonly authorization: string };

/** More actions than this in one client is unusual; past it the cache starts over rather than grow. */
const MAX_CACHED_ACTIONS = 1024;

export class ConsoleSigner {
  readonly #credentials: Credentials;
  readonly #host: string;
  readonly #expirationSeconds: number;
  readonly #unsignedHeaders: Readonly<Record<string, string>>;
  readonly #last = new Map<string, SignedConsoleHeaders>();
  #second = NaN;
  #timestamp = '';
  /** Derived for #timestamp; kept by this signer alone, so it goes when the client does. */
  #signingKey = '';

  /** `unsignedHeaders` are sent with every request but not signed (a user-agent, say). */
  constructor(credentials: Credentials, host: string, expirationSeconds: number, unsignedHeaders: Readonly<Record<string, string>> = {}) {
    this.#credentials = credentials;
    this.#host = host;
    this.#expirationSeconds = expirationSeconds;
    this.#unsignedHeaders = unsignedHeaders;
  }

  /**
   * Every header of POST `path`?Action=`action` at the clock reading `nowMs`, Authorization included.
   * `key` names the action in the cache; callers that already hold `path?Action=action` pass it to spare a string per call.
   */
  headersAt(path: string, action: string, nowMs: number, key = `${path}?Action=${action}`): SignedConsoleHeaders {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.#second) {
      // Checked here, once a second: NaN never equals the last second, so it always lands here.
      if (!(Math.abs(nowMs) <= MAX_CLOCK_READING_MS))
        throw new ConfigError(`cannot sign at the clock reading ${nowMs}: it is not a time`, { code: 'InvalidClock' });
      this.#second = second;
      this.#timestamp = formatTimestamp(nowMs);
      this.#signingKey = deriveSigningKey(this.#credentials.secretKey, authStringPrefix(this.#credentials.accessKey, this.#timestamp, this.#expirationSeconds));
    }
    const last = this.#last.get(key);
    if (last?.['x-bce-date'] === this.#timestamp) return last;
    const headers = consoleHeaders(this.#host, this.#timestamp, this.#credentials.sessionToken);
    const { authorization } = sign(
      this.#credentials,
      {
        method: 'POST',
        path,
        query: [['Action', action]],
        headers,
        timestamp: this.#timestamp,
        expirationSeconds: this.#expirationSeconds,
        headersToSign: CONSOLE_SIGNED_HEADERS,
      },
      this.#signingKey,
    );
    const signed = Object.freeze({ ...headers, authorization, ...this.#unsignedHeaders }) as SignedConsoleHeaders;
    if (this.#last.size >= MAX_CACHED_ACTIONS) this.#last.clear();
    this.#last.set(key, signed);
    return signed;
  }
}
