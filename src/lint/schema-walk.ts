/** Walking a JSON Schema's subschemas (not its property names or data), each with its JSON pointer. */

/** Keywords whose value is a map of subschemas, a subschema, or a list of subschemas. */
const SUBSCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies', 'dependentSchemas']);
const SUBSCHEMA_VALUES = new Set(['items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else']);
const SUBSCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf', 'items']);

/** Visits the schema and every subschema, depth first; stops when `visit` returns true, and then returns true. */
// biome-ignore lint/suspicious/noConfusingVoidType: a visitor that never stops early returns nothing
export function eachSubschema(schema: unknown, visit: (node: Record<string, unknown>, pointer: string) => boolean | void, pointer = ''): boolean {
  if (!isObject(schema)) return false;
  if (visit(schema, pointer)) return true;
  for (const [key, value] of Object.entries(schema)) {
    const here = `${pointer}/${escapePointer(key)}`;
    if (SUBSCHEMA_MAPS.has(key) && isObject(value)) {
      for (const [name, sub] of Object.entries(value)) if (eachSubschema(sub, visit, `${here}/${escapePointer(name)}`)) return true;
    } else if (SUBSCHEMA_LISTS.has(key) && Array.isArray(value)) {
      for (const [i, sub] of value.entries()) if (eachSubschema(sub, visit, `${here}/${i}`)) return true;
    } else if (SUBSCHEMA_VALUES.has(key)) {
      if (eachSubschema(value, visit, here)) return true;
    }
  }
  return false;
}

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
