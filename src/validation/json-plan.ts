/**
 * What a body schema already guarantees about JSON-ness once ajv has found a body valid, so that the
 * JSON-data walk (body.ts) need not visit those parts again. ajv's type checks (strict numbers) leave no
 * room for undefined, a function, a BigInt, NaN or Infinity where the schema says string, number,
 * integer, boolean or null; an object with `additionalProperties: false` holds only its declared
 * properties; a schema of finite depth leaves no room for a cycle. What ajv does not check is whether an
 * object is plain (a Date or a Map passes `type: object`) and how deep the body nests, so the check made
 * from a schema keeps those; every part it cannot vouch for (a $ref, a oneOf, open properties…) is walked
 * whole. The check is made once per schema, as closures, so a call allocates nothing for it.
 */
import type { JsonSchema } from './schema.js';

/** Whether a body part ajv found valid is JSON data, as far as ajv left it open. */
export type JsonCheck = (value: unknown) => boolean;

/** A check of what ajv left open; 'vouched': nothing left; 'walk': the value is walked whole. */
type Plan = JsonCheck | 'vouched' | 'walk';

const SCALAR_TYPES: ReadonlySet<unknown> = new Set(['string', 'number', 'integer', 'boolean', 'null']);

/**
 * Keywords that only annotate or constrain a value of the declared type, or hold definitions used only
 * through a $ref (which is walked whole): none adds a kind of value ajv would pass.
 */
const PLAIN_KEYWORDS: ReadonlySet<string> = new Set([
  'definitions',
  '$defs',
  'type',
  'properties',
  'additionalProperties',
  'required',
  'items',
  'description',
  'title',
  'examples',
  'default',
  'deprecated',
  'readOnly',
  'writeOnly',
  '$comment',
  'x-sensitive',
  'enum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
]);

const checks = new WeakMap<JsonSchema, JsonCheck | null>();

/**
 * What is left to check of a body that ajv found valid against `schema`, made once per schema and kept
 * as long as it; null when the schema vouches for nothing, so the body is walked whole. `walk` is the
 * full walk of a value at a depth, refusing objects and arrays nested deeper than maxDepth.
 */
export function jsonCheckOf(schema: JsonSchema, walk: (value: unknown, depth: number) => boolean, maxDepth: number): JsonCheck | null {
  let check = checks.get(schema);
  if (check === undefined) {
    const plan = planOf(schema, 0, walk, maxDepth);
    check = typeof plan === 'function' ? plan : null;
    checks.set(schema, check);
  }
  return check;
}

/**
 * A value's place in the schema fixes its depth, so past maxDepth the value is walked (which refuses
 * an object or an array there) and no check needs to count levels.
 */
function planOf(schema: unknown, depth: number, walk: (value: unknown, depth: number) => boolean, maxDepth: number): Plan {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return 'walk';
  const s = schema as JsonSchema;
  if (!Object.keys(s).every((keyword) => PLAIN_KEYWORDS.has(keyword))) return 'walk';
  const types = Array.isArray(s['type']) ? (s['type'] as unknown[]) : [s['type']];
  if (types.length > 0 && types.every((t) => SCALAR_TYPES.has(t))) return 'vouched';
  if (depth > maxDepth) return 'walk';
  const sub = (part: unknown): JsonCheck | undefined => {
    const plan = planOf(part, depth + 1, walk, maxDepth);
    if (plan === 'vouched') return undefined;
    return plan === 'walk' ? (value) => walk(value, depth + 1) : plan;
  };
  if (s['type'] === 'object' && s['additionalProperties'] === false) {
    const declared = s['properties'] ?? {};
    if (typeof declared !== 'object' || declared === null) return 'walk';
    const names: string[] = [];
    const parts: JsonCheck[] = [];
    for (const [name, part] of Object.entries(declared)) {
      const check = sub(part);
      if (!check) continue;
      names.push(name);
      parts.push(check);
    }
    // ajv checked that it is an object, not null nor an array, with no property it does not declare.
    return (value) => {
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;
      for (let i = 0; i < names.length; i++) {
        const member = (value as Record<string, unknown>)[names[i]!];
        // An absent property, or one set to undefined (JSON.stringify leaves it out), needs no check.
        if (member !== undefined && !parts[i]!(member)) return false;
      }
      return true;
    };
  }
  const items = s['items'];
  if (s['type'] === 'array' && items !== null && typeof items === 'object' && !Array.isArray(items)) {
    // ajv checked that it is an array; an array needs no check of its own, only its elements may.
    const element = sub(items);
    if (!element) return 'vouched';
    return (value) => {
      const array = value as unknown[];
      for (let i = 0; i < array.length; i++) if (!element(array[i])) return false;
      return true;
    };
  }
  return 'walk';
}
