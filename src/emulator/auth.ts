/**
 * Checking a request's bce-auth-v1 Authorization as the console does (reference §2): parse it, know the
 * access key, check the timestamp window, require host among the signed headers and every signed header
 * in the request, then recompute the signature from the request as received — with the same
 * canonicalisation the client signs with (src/signing) — and compare in constant time; work on inputs
 * byte-identical to a previous request's is not repeated (Authenticator).
 * Refusals never quote the signature, the canonical request or a header value.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { authStringPrefix, deriveSigningKey, parseAuthorization, sign, type ParsedAuthorization } from '../signing/bce-auth-v1.js';
import { ConsoleError } from './console-error.js';

/** Bounds each cache, so that a flood of distinct requests cannot grow it: past the bound it starts afresh. */
const MAX_CACHED_SIGNING_KEYS = 64;
const MAX_CACHED_AUTHORIZATIONS = 256;

/** How far ahead of the emulator's clock a signing timestamp may be (the console allows a little skew). */
const MAX_FUTURE_SKEW_MS = 15 * 60_000;

export interface ReceivedRequest {
  method: string;
  /** The request target as sent: path and query, percent-encoded. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  /** rawUrl already split by splitTarget, when the caller has it. */
  target?: { path: string; query: ReadonlyArray<readonly [string, string | null]> };
}

/** An Authorization header as read once, and the signature expected of the last request that carried it. */
interface SeenAuthorization {
  parsed: ParsedAuthorization;
  signedAtMs: number;
  /** The signature the header carries, as bytes. */
  presented: Buffer;
  expected?: ExpectedSignature;
}

/** The signature a request must carry, with everything it was computed from besides the Authorization header. */
interface ExpectedSignature {
  secretKey: string;
  method: string;
  rawUrl: string;
  /** The signed headers' names and values, as signing read them. */
  headers: Readonly<Record<string, string>>;
  signature: Buffer;
  /** For the refusal's message. */
  signedHeaders: string;
}

/**
 * Checks requests' signatures. Every request is checked in full — Authorization syntax, access key,
 * timestamp window, signed headers present, signature compared in constant time — but the work whose
 * inputs are byte-identical to a previous request's is not done twice: an Authorization header is parsed
 * once, and the signature expected is recomputed only when the secret key, method, target or a signed
 * header's value differs from the last request that carried the same header. A client sending many
 * calls in one second sends the same signed parts again and again, and the canonical request and its
 * HMAC would come out the same. What is kept is the signature expected, never a verdict: each request's
 * own signature is compared with it, so a wrong one is refused however often the right one was seen.
 */
export class Authenticator {
  /** Signing keys by secret key and auth string prefix (access key, second, expiration). */
  readonly #signingKeys = new Map<string, string>();
  readonly #authorizations = new Map<string, SeenAuthorization>();

  /** Returns the access key the request was signed with, or throws a ConsoleError. */
  authenticate(request: ReceivedRequest, secretKeyOf: (accessKey: string) => string | undefined, nowMs: number): string {
    const header = request.headers['authorization'];
    if (typeof header !== 'string' || header.trim() === '') {
      throw new ConsoleError(400, 'InvalidHTTPAuthHeader', 'the request has no Authorization header; sign it with bce-auth-v1');
    }
    const seen = this.#authorizations.get(header) ?? this.#read(header);
    const { parsed, signedAtMs } = seen;
    const secretKey = secretKeyOf(parsed.accessKey);
    if (secretKey === undefined) {
      throw new ConsoleError(403, 'InvalidAccessKeyId', `the access key ${parsed.accessKey} does not exist in the emulator's records`);
    }
    if (nowMs > signedAtMs + parsed.expirationSeconds * 1000) {
      throw new ConsoleError(
        400,
        'RequestExpired',
        `the request was signed at ${parsed.timestamp} for ${parsed.expirationSeconds} s and has expired; the server time is ${new Date(nowMs).toISOString()}`,
      );
    }
    if (signedAtMs > nowMs + MAX_FUTURE_SKEW_MS) {
      throw new ConsoleError(
        400,
        'RequestExpired',
        `the request was signed at ${parsed.timestamp}, more than ${MAX_FUTURE_SKEW_MS / 60_000} minutes after the server time ${new Date(nowMs).toISOString()}`,
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
    let expected = seen.expected;
    if (expected === undefined || !signsTheSame(expected, secretKey, request, headers)) {
      expected = this.#expect(parsed, secretKey, request, headers);
      seen.expected = expected;
    }
    if (!timingSafeEqual(expected.signature, seen.presented)) {
      throw new ConsoleError(
        400,
        'SignatureDoesNotMatch',
        `the signature does not match the request as received (signed headers: ${expected.signedHeaders || 'none'}); check the secret key, and that no signed header, the path or the query changed after signing`,
      );
    }
    return parsed.accessKey;
  }

  /** Parses a header not seen lately; only a well-formed one is remembered. */
  #read(header: string): SeenAuthorization {
    const parsed = parseAuthorization(header);
    if (!parsed) {
      throw new ConsoleError(
        400,
        'InvalidHTTPAuthHeader',
        'the Authorization header is not bce-auth-v1/{accessKey}/{timestamp}/{expirationSeconds}/{signedHeaders}/{signature}',
      );
    }
    const signedAtMs = Date.parse(parsed.timestamp);
    if (Number.isNaN(signedAtMs)) throw new ConsoleError(400, 'InvalidHTTPAuthHeader', `the signing timestamp ${parsed.timestamp} is not a date`);
    const seen: SeenAuthorization = { parsed, signedAtMs, presented: Buffer.from(parsed.signature, 'hex') };
    remember(this.#authorizations, header, seen, MAX_CACHED_AUTHORIZATIONS);
    return seen;
  }

  /** The signature the request must carry, recomputed from the request as received. */
  #expect(parsed: ParsedAuthorization, secretKey: string, request: ReceivedRequest, headers: Record<string, string>): ExpectedSignature {
    const defaultSet = parsed.signedHeaders.length === 0;
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
    return {
      secretKey,
      method: request.method,
      rawUrl: request.rawUrl,
      headers,
      signature: Buffer.from(computed.signature, 'hex'),
      signedHeaders: computed.signedHeaders.join(';'),
    };
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

/** Whether the request gives the signature the same inputs, byte for byte, as the one `expected` was computed for. */
function signsTheSame(expected: ExpectedSignature, secretKey: string, request: ReceivedRequest, headers: Record<string, string>): boolean {
  if (expected.secretKey !== secretKey || expected.method !== request.method || expected.rawUrl !== request.rawUrl) return false;
  let count = 0;
  for (const name in headers) {
    if (expected.headers[name] !== headers[name]) return false;
    count++;
  }
  return count === Object.keys(expected.headers).length;
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
