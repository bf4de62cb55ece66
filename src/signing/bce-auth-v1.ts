/**
 * bce-auth-v1: Baidu Cloud's request signature (reference §2).
 *
 * A pure module: no clock, no I/O. The client signs with it and the emulator verifies with it,
 * so both ends share one canonicalisation; the tests check it against published vectors.
 */
import { packageRequire } from '../runtime/require.js';

// node:crypto takes milliseconds to load: it is loaded on the first signature, not on import.
let createHmac: typeof import('node:crypto').createHmac | undefined;

export interface Credentials {
  accessKey: string;
  secretKey: string;
  /** STS session token: sent as x-bce-security-token, which is then signed like every x-bce-* header. */
  sessionToken?: string;
}

export interface SigningInput {
  method: string;
  /** Path only, unencoded, beginning with '/'. */
  path: string;
  /** Query parameters in any order; a null value means a parameter without a value. */
  query?: ReadonlyArray<readonly [string, string | null]>;
  /** Header names in any case. */
  headers: Readonly<Record<string, string>>;
  /** UTC, second precision: YYYY-MM-DDThh:mm:ssZ */
  timestamp: string;
  expirationSeconds: number;
  /**
   * Lower-case header names to sign besides every x-bce-* header.
   * Empty or absent: the protocol's default set (host, content-length, content-type, content-md5).
   */
  headersToSign?: readonly string[];
  /** Sign exactly headersToSign, without adding the x-bce-* headers (how a verifier replays a received list). */
  exactHeaders?: boolean;
}

export interface Signature {
  authorization: string;
  signedHeaders: string[];
  canonicalRequest: string;
  signingKey: string;
  signature: string;
}

const DEFAULT_HEADERS_TO_SIGN: ReadonlySet<string> = new Set(['host', 'content-length', 'content-type', 'content-md5']);
// x-bce-request-id is a response header that proxies may echo back; signing it would make the signature fragile.
const NEVER_AUTO_SIGNED = 'x-bce-request-id';

/** RFC 3986 percent-encoding of UTF-8 bytes, upper-case hex; only A–Z a–z 0–9 - _ . ~ stay as they are. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** uriEncode, keeping '/' as it is (for the canonical URI). */
export function uriEncodeExceptSlash(value: string): string {
  return value.split('/').map(uriEncode).join('/');
}

export function canonicalQueryString(query: SigningInput['query'] = []): string {
  const parts: string[] = [];
  for (const [key, value] of query) {
    if (key.toLowerCase() === 'authorization') continue;
    parts.push(uriEncode(key) + '=' + (value == null ? '' : uriEncode(value)));
  }
  return parts.sort().join('&');
}

export function canonicalHeaders(
  headers: SigningInput['headers'],
  headersToSign?: readonly string[],
  exactHeaders = false,
): { canonical: string; signedHeaders: string[] } {
  const wanted = headersToSign && headersToSign.length > 0 ? new Set(headersToSign.map((h) => h.toLowerCase())) : DEFAULT_HEADERS_TO_SIGN;
  const lines: string[] = [];
  const signed: string[] = [];
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    const value = String(rawValue).trim();
    if (value === '' || name === 'authorization') continue;
    const autoSigned = !exactHeaders && name.startsWith('x-bce-') && name !== NEVER_AUTO_SIGNED;
    if (!wanted.has(name) && !autoSigned) continue;
    lines.push(uriEncode(name) + ':' + uriEncode(value));
    signed.push(name);
  }
  return { canonical: lines.sort().join('\n'), signedHeaders: signed.sort() };
}

export function authStringPrefix(accessKey: string, timestamp: string, expirationSeconds: number): string {
  return `bce-auth-v1/${accessKey}/${timestamp}/${expirationSeconds}`;
}

export function hmacHex(key: string, message: string): string {
  createHmac ??= (packageRequire('node:crypto') as typeof import('node:crypto')).createHmac;
  return createHmac('sha256', key).update(message).digest('hex');
}

/** The key a signature is made with: it depends only on the secret key and the auth string prefix. */
export function deriveSigningKey(secretKey: string, prefix: string): string {
  return hmacHex(secretKey, prefix);
}

/**
 * Signs a request. A caller signing many requests within one second may pass the signing key it derived
 * for that second (deriveSigningKey with the same prefix); the result is the same.
 */
export function sign(credentials: Credentials, input: SigningInput, signingKey?: string): Signature {
  const prefix = authStringPrefix(credentials.accessKey, input.timestamp, input.expirationSeconds);
  signingKey ??= deriveSigningKey(credentials.secretKey, prefix);
  const { canonical, signedHeaders } = canonicalHeaders(input.headers, input.headersToSign, input.exactHeaders);
  const canonicalRequest = [input.method.toUpperCase(), uriEncodeExceptSlash(input.path || '/'), canonicalQueryString(input.query), canonical].join('\n');
  const signature = hmacHex(signingKey, canonicalRequest);
  return {
    authorization: `${prefix}/${signedHeaders.join(';')}/${signature}`,
    signedHeaders,
    canonicalRequest,
    signingKey,
    signature,
  };
}

/** The parts of an Authorization header, or null when it is not a well-formed bce-auth-v1 string. */
export interface ParsedAuthorization {
  accessKey: string;
  timestamp: string;
  expirationSeconds: number;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION = /^bce-auth-v1\/([^/]+)\/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)\/(\d{1,10})\/([a-z0-9;\-_.]*)\/([0-9a-f]{64})$/;

export function parseAuthorization(header: string): ParsedAuthorization | null {
  const m = AUTHORIZATION.exec(header.trim());
  if (!m) return null;
  return {
    accessKey: m[1]!,
    timestamp: m[2]!,
    expirationSeconds: Number(m[3]),
    signedHeaders: m[4] ? m[4].split(';') : [],
    signature: m[5]!,
  };
}

/** YYYY-MM-DDThh:mm:ssZ for a millisecond clock reading. */
export function formatTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19) + 'Z';
}

/** Masks the signature of an Authorization header so it can be shown. */
export function maskAuthorization(authorization: string): string {
  return authorization.replace(/\/[0-9a-f]{64}$/, (sig) => `/${sig.slice(1, 5)}…(masked)`);
}
