/**
 * What may be shown of a request: the Authorization header with its signature masked, no STS token,
 * and body fields marked `x-sensitive: true` in the action's schema replaced (schema-driven, after
 * smithy's log filter). Secrets are also scrubbed from any text as a last line of defence.
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

/** Replaces every occurrence of the given secrets in a text. */
export function scrub(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join(MASK);
  return out;
}
