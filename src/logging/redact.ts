/**
 * What may be shown of a request: the Authorization header with its signature masked, no STS token,
 * and body fields marked `x-sensitive: true` in the action's schema replaced (schema-driven, after
 * smithy's log filter).
 *
 * And `scrub`, the one function every error, log line and printed failure goes through: it removes the
 * secrets of every live client and anything shaped like a signature from any text, including text a
 * server sends back (a gateway that echoes the request's headers in its error page, say).
 */
import { maskAuthorization } from '../signing/bce-auth-v1.js';
import type { JsonSchema } from '../validation/schema.js';

export const MASK = '***';

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const shown: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') shown[name] = maskAuthorization(value);
    else if (lower === 'x-bce-security-token') shown[name] = MASK;
    else shown[name] = value;
  }
  return shown;
}

/** A copy of the body with every x-sensitive field masked; the body itself is not touched. */
export function redactBody(value: unknown, schema: JsonSchema | undefined): unknown {
  if (!schema) return value;
  if (schema['x-sensitive'] === true && value !== undefined) return MASK;
  if (Array.isArray(value)) {
    const items = schema['items'] as JsonSchema | undefined;
    return items ? value.map((item) => redactBody(item, items)) : value;
  }
  if (value !== null && typeof value === 'object') {
    const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
    const extra = typeof schema['additionalProperties'] === 'object' ? (schema['additionalProperties'] as JsonSchema) : undefined;
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const memberSchema = Object.hasOwn(properties, key) ? properties[key] : extra;
      Object.defineProperty(out, key, { value: redactBody(member, memberSchema), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return value;
}

/**
 * Shorter values are not scrubbed by value. A real secret key has 32 characters and a token more; a
 * placeholder such as "secret" in a test setup would otherwise mask that word in every message.
 */
const MIN_SECRET_CHARS = 8;

/**
 * A complete bce-auth-v1 Authorization value. Within its validity it authorises a replay of the request,
 * so all of it goes, access key and timestamp included. (A masked one, as debug lines show, has no
 * 64-digit signature and is left as it is.)
 */
const AUTHORIZATION_VALUE = /bce-auth-v1\/[^/\s"'<>]+\/[^/\s"'<>]+\/\d+\/[^/\s"'<>]*\/[0-9a-f]{64}/gi;
/** A signature and a signing key are HMAC-SHA256 in hex: any run of 64 or more hex digits goes, wherever it stands. */
const HEX_RUN = /[0-9a-f]{64,}/gi;

/** Secrets of the clients alive now (secret keys, STS tokens), each with how many clients hold it. */
const heldSecrets = new Map<string, number>();
/** Every held secret in one alternation; undefined when it must be built again, null when none is held. */
let heldPattern: RegExp | null | undefined = null;
const releaseWhenCollected = new FinalizationRegistry<readonly string[]>((secrets) => {
  for (const secret of secrets) {
    const holders = (heldSecrets.get(secret) ?? 1) - 1;
    if (holders > 0) heldSecrets.set(secret, holders);
    else heldSecrets.delete(secret);
  }
  heldPattern = undefined;
});

/**
 * Makes `scrub` remove these secrets (and their URL-encoded forms) from every text for as long as
 * `owner` lives; a client calls it once with its secret key and session token.
 */
export function holdSecrets(owner: object, secrets: readonly (string | undefined)[]): void {
  const forms = formsOf(secrets);
  if (forms.size === 0) return;
  for (const form of forms) heldSecrets.set(form, (heldSecrets.get(form) ?? 0) + 1);
  heldPattern = undefined;
  releaseWhenCollected.register(owner, [...forms]);
}

/** Each secret long enough to be one, as it is and URL-encoded (as a gateway may echo a header). */
function formsOf(secrets: readonly (string | undefined)[]): Set<string> {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_CHARS) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
  }
  return forms;
}

function heldSecretsPattern(): RegExp | null {
  if (heldPattern === undefined) {
    // Longest first, so that a secret containing another goes whole.
    const alternatives = [...heldSecrets.keys()].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    heldPattern = alternatives.length ? new RegExp(alternatives.join('|'), 'g') : null;
  }
  return heldPattern;
}

/**
 * The text with every secret masked: the given ones, those of every live client, whole Authorization
 * values, and signatures and signing keys (any run of 64 hex digits). Paid on error and debug paths only.
 */
export function scrub(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  // Secrets by value first: a token that happens to contain a hex run must go whole, not in part.
  if (secrets.length) for (const form of formsOf(secrets)) out = out.split(form).join(MASK);
  const held = heldSecretsPattern();
  if (held) out = out.replace(held, MASK);
  return out.replace(AUTHORIZATION_VALUE, `bce-auth-v1/${MASK}`).replace(HEX_RUN, MASK);
}

/** How much of a server's words or a caller's value an error quotes. */
const EXCERPT_CHARS = 300;

/** Text from outside (a server's message, a caller's name) as an error shows it: scrubbed, then cut to `max` characters. */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  const clean = scrub(text);
  if (clean.length <= max) return clean;
  // Not between the two halves of a surrogate pair.
  const end = /[\uD800-\uDBFF]/.test(clean.charAt(max - 1)) ? max - 1 : max;
  return `${clean.slice(0, end)}… (${clean.length - end} more characters)`;
}
