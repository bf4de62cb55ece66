/** What the generated types and the reference both say about a JSON Schema. */
import type { JsonSchema } from '../validation/schema.js';

export function isSchemaObject(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The schema's declared properties, in the order written. */
export function propertiesOf(schema: JsonSchema): [string, unknown][] {
  const properties = schema['properties'];
  return isSchemaObject(properties) ? Object.entries(properties) : [];
}

export function requiredOf(schema: JsonSchema): Set<string> {
  const required = schema['required'];
  return new Set(Array.isArray(required) ? required.map(String) : []);
}

/**
 * The limits a schema puts on a value besides its type and enum, as short phrases:
 * "from 1 to 100", "2 to 20 characters", "default 10". `code` marks up literal values.
 */
export function limitPhrases(schema: JsonSchema, code: (text: string) => string): string[] {
  const phrases: string[] = [];
  const number = (key: string): number | undefined => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  const between = (min: number | undefined, max: number | undefined, unit: string): string | undefined => {
    const units = (n: number): string => (unit ? ` ${unit}${n === 1 ? '' : 's'}` : '');
    if (min !== undefined && max !== undefined) return min === max ? `exactly ${max}${units(max)}` : `from ${min} to ${max}${units(max)}`;
    if (min !== undefined) return `at least ${min}${units(min)}`;
    if (max !== undefined) return `at most ${max}${units(max)}`;
    return undefined;
  };
  phrases.push(...[between(number('minimum'), number('maximum'), '')].filter((p) => p !== undefined));
  if (number('exclusiveMinimum') !== undefined) phrases.push(`greater than ${number('exclusiveMinimum')}`);
  if (number('exclusiveMaximum') !== undefined) phrases.push(`less than ${number('exclusiveMaximum')}`);
  if (number('multipleOf') !== undefined) phrases.push(`a multiple of ${number('multipleOf')}`);
  phrases.push(
    ...[between(number('minLength'), number('maxLength'), 'character'), between(number('minItems'), number('maxItems'), 'item')].filter((p) => p !== undefined),
  );
  if (schema['uniqueItems'] === true) phrases.push('no duplicates');
  if (typeof schema['pattern'] === 'string') phrases.push(`matches ${code(schema['pattern'])}`);
  if (typeof schema['format'] === 'string') phrases.push(`format ${schema['format']}`);
  if ('default' in schema) phrases.push(`default ${code(JSON.stringify(schema['default']))}`);
  if (schema['x-sensitive'] === true) phrases.push('sensitive: masked in logs and errors');
  return phrases;
}

/**
 * The names an alternative requires when it says nothing else — `{required: [a, b]}`, or
 * `{properties: {a: true, b: true}, required: [a, b]}` as ajv's strict mode wants it — else undefined.
 */
export function requirementOnly(branch: unknown): string[] | undefined {
  if (!isSchemaObject(branch) || !Array.isArray(branch['required'])) return undefined;
  const onlyRequirement = Object.keys(branch).every((k) => k === 'required' || k === 'properties');
  const trivialProperties = propertiesOf(branch).every(([, p]) => p === true);
  return onlyRequirement && trivialProperties ? branch['required'].map(String) : undefined;
}
