/**
 * What the CLI reads from an action's JSON Schema: the JSON types a value may take, and a short label
 * for them. Shared by the flags that build a body (body-flags.ts) and the help that documents them
 * (parameter-docs.ts).
 */
import type { JsonSchema } from '../index.js';

/** The JSON types a schema allows ('integer' is read as 'number'); empty when it does not say. */
export function typesOf(schema: JsonSchema | undefined): Set<string> {
  const types = new Set<string>();
  if (!schema) return types;
  const declared = schema['type'];
  for (const t of Array.isArray(declared) ? declared : declared === undefined ? [] : [declared]) types.add(t === 'integer' ? 'number' : String(t));
  if (types.size === 0 && Array.isArray(schema['enum'])) for (const v of schema['enum']) types.add(jsonType(v));
  if (types.size === 0) {
    for (const key of ['anyOf', 'oneOf']) {
      const branches = schema[key];
      if (Array.isArray(branches)) for (const branch of branches) if (isSchema(branch)) for (const t of typesOf(branch)) types.add(t);
    }
  }
  return types;
}

export function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

export function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function typeLabel(schema: JsonSchema): string {
  if (Array.isArray(schema['enum'])) return schema['enum'].map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('|');
  if (schema['const'] !== undefined) return JSON.stringify(schema['const']);
  const type = schema['type'];
  if (type === 'array') return `list of ${isSchema(schema['items']) ? typeLabel(schema['items']) : 'any'}`;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.join('|');
  const alternatives = (schema['anyOf'] ?? schema['oneOf']) as unknown;
  if (Array.isArray(alternatives)) return alternatives.filter(isSchema).map(typeLabel).join(' or ');
  return 'any';
}
