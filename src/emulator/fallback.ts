/**
 * The answer of an action without an emulation block: the result of its first example that has one,
 * else a value built from its result schema — every declared property, each the simplest value its
 * schema allows (const, default, first enum value, minimum, …). Stateless: the same every time.
 */
import type { ActionDescriptor } from '../descriptors/types.js';
import { formatTimestamp } from '../signing/bce-auth-v1.js';
import type { JsonSchema } from '../validation/schema.js';

/** Nested schemas deeper than this become null; result schemas are shallow, a recursive $ref is not. */
const MAX_DEPTH = 12;

export function fallbackResult(descriptor: ActionDescriptor, nowMs: number): unknown {
  const example = descriptor.examples?.find((e) => 'result' in e);
  if (example) return structuredClone(example.result);
  return sampleOf(descriptor.result, descriptor.result, nowMs, 0);
}

function sampleOf(schema: JsonSchema, root: JsonSchema, nowMs: number, depth: number): unknown {
  if (depth > MAX_DEPTH) return null;
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    const target = resolveLocalRef(root, ref);
    return target ? sampleOf(target, root, nowMs, depth + 1) : null;
  }
  if ('const' in schema) return schema['const'];
  if ('default' in schema) return schema['default'];
  if (Array.isArray(schema['enum']) && schema['enum'].length > 0) return schema['enum'][0];
  const alternatives = (schema['oneOf'] ?? schema['anyOf']) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives) && alternatives[0])
    return sampleOf({ ...schema, oneOf: undefined, anyOf: undefined, ...alternatives[0] }, root, nowMs, depth + 1);
  const type = Array.isArray(schema['type']) ? (schema['type'] as string[]).find((t) => t !== 'null') : (schema['type'] as string | undefined);
  switch (type ?? (schema['properties'] ? 'object' : undefined)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries((schema['properties'] ?? {}) as Record<string, JsonSchema>)) {
        out[name] = sampleOf(property, root, nowMs, depth + 1);
      }
      return out;
    }
    case 'array': {
      const count = typeof schema['minItems'] === 'number' ? schema['minItems'] : 0;
      const items = (schema['items'] ?? {}) as JsonSchema;
      return Array.from({ length: count }, () => sampleOf(items, root, nowMs, depth + 1));
    }
    case 'string':
      return stringOf(schema, nowMs);
    case 'integer':
    case 'number':
      return numberOf(schema);
    case 'boolean':
      // Boolean results are the console's "it was done" (Delete…, Stop…): true is the usual answer.
      return true;
    case 'null':
      return null;
    default:
      return {};
  }
}

function stringOf(schema: JsonSchema, nowMs: number): string {
  if (schema['format'] === 'date-time') return formatTimestamp(nowMs);
  const min = typeof schema['minLength'] === 'number' ? schema['minLength'] : 0;
  const max = typeof schema['maxLength'] === 'number' ? schema['maxLength'] : Infinity;
  return 'emulated'.padEnd(min, '-').slice(0, max);
}

function numberOf(schema: JsonSchema): number {
  if (typeof schema['minimum'] === 'number') return schema['minimum'];
  if (typeof schema['exclusiveMinimum'] === 'number')
    return schema['type'] === 'integer' ? Math.floor(schema['exclusiveMinimum']) + 1 : schema['exclusiveMinimum'] + 1;
  if (typeof schema['maximum'] === 'number' && schema['maximum'] < 0) return schema['maximum'];
  return 0;
}

function resolveLocalRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node !== null && typeof node === 'object' ? (node as JsonSchema) : undefined;
}
