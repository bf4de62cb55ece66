/**
 * Checking a request's bce-auth-v1 Authorization as the console does (reference §2): parse it, know the
 * access key, check the timestamp window, require host among the signed headers and every signed header
 * in the request, then recompute the signature from the request as received — with the same
 * canonicalisation the client signs with (src/signing) — and compare in constant time. The expected
 * signature is computed once per distinct set of signed inputs (Authenticator).
 * Refusals never quote the signature, the canonical request or a header value.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { authStringPrefix, deriveSigningKey, parseAuthorization, sign } from '../signing/bce-auth-v1.js';
import { ConsoleError } from './console-error.js';

/** Bounds each cache, so that a flood of distinct requests cannot grow it: past the bound it starts afresh. */
const MAX_CACHED_SIGNING_KEYS = 64;
const MAX_CACHED_SIGNATURES = 256;

/** What a request's signature must be, as worked out from everything it is computed from. */
interface ExpectedSignature {
  signature: Buffer;
  /** For the refusal's message. */
  signedHeaders: string;
}

/** How far ahead of the emulator's clock a signing timestamp may be (the console allows a little skew). */
const MAX_FUTURE_SKEW_MS = 15 * 60_000;

export interface ReceivedRequest {
  method: string;
  /** The request target as sent: path and query, percent-encoded. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  /** rawUrl already split by splitTarget, when the caller has it. */
  target?: { path: string; query: Array<[string, string | null]> };
}

/**
 * Checks requests' signatures. Every request is checked in full — Authorization syntax, access key,
 * timestamp window, signed headers present, signature compared in constant time — but the signature a
 * request must carry is computed once for byte-identical inputs (secret key, the Authorization's access
 * key, timestamp, expiration and signed-header list, method, target and the signed headers' values): a
 * client sending many calls in one second sends the same signed parts again and again, and the
 * canonical request and its HMAC would come out the same. What is cached is the signature expected,
 * never a verdict: each request's own signature is compared with it, so a wrong one is refused however
 * often the right one was seen.
 */
export class Authenticator {
  /** Signing keys by secret key and auth string prefix (access key, second, expiration). */
  readonly #signingKeys = new Map<string, string>();
  /** Expected signatures by everything they are computed from. */
  readonly #expected = new Map<string, ExpectedSignature>();

  /** Returns the access key the request was signed with, or throws a ConsoleError. */
  authenticate(request: ReceivedRequest, secretKeyOf: (accessKey: string) => string | undefined, nowMs: number): string {
    const header = request.headers['authorization'];
    if (typeof header !== 'string' || header.trim() === '') {
      throw new ConsoleError(400, 'InvalidHTTPAuthHeader', 'the request has no Authorization header; sign it with bce-auth-v1');
    }
    const parsed = parseAuthorization(header);
    if (!parsed) {
      throw new ConsoleError(
        400,
        'InvalidHTTPAuthHeader',
        'the Authorization header is not bce-auth-v1/{accessKey}/{timestamp}/{expirationSeconds}/{signedHeaders}/{signature}',
      );
    }
    const secretKey = secretKeyOf(parsed.accessKey);
    if (secretKey === undefined) {
      throw new ConsoleError(403, 'InvalidAccessKeyId', `the access key ${parsed.accessKey} does not exist in the emulator's records`);
    }
    const signedAtMs = Date.parse(parsed.timestamp);
    if (Number.isNaN(signedAtMs)) throw new ConsoleError(400, 'InvalidHTTPAuthHeader', `the signing timestamp ${parsed.timestamp} is not a date`);
    const server = (): string => new Date(nowMs).toISOString();
    if (nowMs > signedAtMs + parsed.expirationSeconds * 1000) {
      throw new ConsoleError(
        400,
        'RequestExpired',
        `the request was signed at ${parsed.timestamp} for ${parsed.expirationSeconds} s and has expired; the server time is ${server()}`,
      );
    }
    if (signedAtMs > nowMs + MAX_FUTURE_SKEW_MS) {
      throw new ConsoleError(
        400,
        'RequestExpired',
        `the request was signed at ${parsed.timestamp}, more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes after the server time ${server()}`,
      );
    }
    // An empty list means the protocol's default set plus every x-bce-* header (reference §2).
    const defaultSet = parsed.signedHeaders.length === 0;
    const headers = singleValued(request.headers, defaultSet ? undefined : parsed.signedHeaders);
    if (!defaultSet) {
      if (!parsed.signedHeaders.includes('host')) throw new ConsoleError(400, 'InvalidHTTPAuthHeader', 'host must be among the signed headers');
      const missing = parsed.signedHeaders.filter((name) => headers[name] === undefined);
      if (missing.length > 0) {
        throw new ConsoleError(
          400,
          'SignatureDoesNotMatch',
          `the signed header${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not in the request`,
        );
      }
    } else if (headers['host'] === undefined) {
      throw new ConsoleError(400, 'InvalidHTTPAuthHeader', 'the request has no Host header to sign');
    }
    const inputs = JSON.stringify([secretKey, parsed.accessKey, parsed.timestamp, parsed.expirationSeconds, parsed.signedHeaders, request.method, request.rawUrl, headers]);
    let expected = this.#expected.get(inputs);
    if (expected === undefined) {
      const { path, query } = request.target ?? splitTarget(request.rawUrl);
      const computed = sign(
        { accessKey: parsed.accessKey, secretKey },
        {
          method: request.method,
          path,
          query,
          headers,
          timestamp: parsed.timestamp,
          expirationSeconds: parsed.expirationSeconds,
          ...(defaultSet ? {} : { headersToSign: parsed.signedHeaders, exactHeaders: true }),
        },
        this.#signingKey(secretKey, authStringPrefix(parsed.accessKey, parsed.timestamp, parsed.expirationSeconds)),
      );
      expected = { signature: Buffer.from(computed.signature, 'hex'), signedHeaders: computed.signedHeaders.join(';') };
      remember(this.#expected, inputs, expected, MAX_CACHED_SIGNATURES);
    }
    if (!timingSafeEqual(expected.signature, Buffer.from(parsed.signature, 'hex'))) {
      throw new ConsoleError(
        400,
        'SignatureDoesNotMatch',
        `the signature does not match the request as received (signed headers: ${expected.signedHeaders || 'none'}); check the secret key, and that no signed header, the path or the query changed after signing`,
      );
    }
    return parsed.accessKey;
  }

  /** A client sending many calls in one second costs one derivation. */
  #signingKey(secretKey: string, prefix: string): string {
    const cacheKey = `${secretKey}\u0000${prefix}`;
    let key = this.#signingKeys.get(cacheKey);
    if (key === undefined) {
      key = deriveSigningKey(secretKey, prefix);
      remember(this.#signingKeys, cacheKey, key, MAX_CACHED_SIGNING_KEYS);
    }
    return key;
  }
}

function remember<V>(cache: Map<string, V>, key: string, value: V, bound: number): void {
  if (cache.size >= bound) cache.clear();
  cache.set(key, value);
}

/**
 * The headers signing reads (`names`, or all of them for the default set) as single values: Node joins
 * repeated headers with ", " except set-cookie; signing treats each header as one value.
 */
function singleValued(headers: IncomingHttpHeaders, names: readonly string[] = Object.keys(headers)): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = Object.hasOwn(headers, name) ? headers[name] : undefined;
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return out;
}

/** The unencoded path and the query pairs of a request target; '+' is a plus, as RFC 3986 has it. */
export function splitTarget(rawUrl: string): { path: string; query: Array<[string, string | null]> } {
  const at = rawUrl.indexOf('?');
  const rawPath = at < 0 ? rawUrl : rawUrl.slice(0, at);
  const rawQuery = at < 0 ? '' : rawUrl.slice(at + 1);
  // Targets without a percent sign (the common case) have nothing to decode.
  const decode = rawUrl.includes('%') ? decodeURIComponent : (text: string): string => text;
  try {
    const path = decode === decodeURIComponent ? rawPath.split('/').map(decode).join('/') : rawPath;
    const query = rawQuery
      .split('&')
      .filter((pair) => pair !== '')
      .map((pair): [string, string | null] => {
        const eq = pair.indexOf('=');
        return eq < 0 ? [decode(pair), null] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
      });
    return { path, query };
  } catch {
    throw new ConsoleError(400, 'InvalidURI', 'the request URI has a malformed percent-encoding');
  }
}
