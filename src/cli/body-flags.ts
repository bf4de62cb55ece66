/**
 * The request body from the command line, typed by the action's body schema: every property is a
 * flag, nested properties are dotted flags (--datasetConfig.sourceType Platform), lists take the flag
 * once per item or one JSON list, objects take JSON. `--body` (JSON, @file, or - for stdin) is the
 * base that flags are laid over. The schema itself is checked by the library afterwards; this module
 * only turns text into the JSON types the schema asks for (parameter-docs.ts documents the flags).
 */
import { UsageError, parseBooleanText, type ExtraFlag } from './argv.js';
import { isPlainObject, isSchema, jsonType, typeLabel, typesOf } from './schema-types.js';
import type { JsonSchema } from '../index.js';

export type Body = Record<string, unknown>;

/** Segments that would reach an object's prototype if used as a key while building the body. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * The body: `--body` first, then each flag in the order given (a repeated flag builds a list). `readSource`
 * reads `-` (stdin) and `@file`.
 */
export async function buildBody(
  extras: readonly ExtraFlag[],
  schema: JsonSchema | undefined,
  bodyOption: string | undefined,
  readSource: (source: string) => Promise<string>,
): Promise<Body> {
  const body =
    bodyOption === undefined ? {} : parseBodyOption(bodyOption, bodyOption === '-' || bodyOption.startsWith('@') ? await readSource(bodyOption) : bodyOption);
  const grouped = new Map<string, (string | undefined)[]>();
  for (const { name, value } of extras) grouped.set(name, [...(grouped.get(name) ?? []), value]);
  for (const [name, values] of grouped) {
    const segments = flagSegments(name);
    const valueSchema = schemaAtSegments(schema, segments, name);
    setAt(body, segments, convertFlag(name, values, valueSchema), name);
  }
  return body;
}

function parseBodyOption(option: string, text: string): Body {
  const source = option === '-' ? 'stdin' : option.startsWith('@') ? option.slice(1) : 'the --body value';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--body: ${source} is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`--body: ${source} must hold a JSON object`);
  return value as Body;
}

function flagSegments(name: string): string[] {
  const segments = name.split('.');
  for (const segment of segments) {
    if (segment === '') throw new UsageError(`--${name}: a flag name has no empty parts`);
    if (FORBIDDEN_SEGMENTS.has(segment)) throw new UsageError(`--${name}: "${segment}" is refused in a flag name (it would reach an object's prototype)`);
  }
  return segments;
}

/** The schema of the value a dotted flag sets, or undefined where the schema says nothing. */
function schemaAtSegments(schema: JsonSchema | undefined, segments: readonly string[], flag: string): JsonSchema | undefined {
  let node = schema;
  segments.forEach((segment, index) => {
    if (index > 0 && node && typesOf(node).has('array')) {
      const list = segments.slice(0, index).join('.');
      throw new UsageError(`--${flag}: ${list} is a list; give it whole as JSON: --${list} '[…]'`);
    }
    node = node === undefined ? undefined : propertySchema(node, segment);
  });
  return node;
}

function propertySchema(schema: JsonSchema, key: string): JsonSchema | undefined {
  const properties = schema['properties'] as Record<string, unknown> | undefined;
  const own = properties && Object.hasOwn(properties, key) ? properties[key] : undefined;
  const candidate = own ?? schema['additionalProperties'];
  return isSchema(candidate) ? candidate : undefined;
}

function setAt(body: Body, segments: readonly string[], value: unknown, flag: string): void {
  let node = body;
  for (const segment of segments.slice(0, -1)) {
    const existing = Object.hasOwn(node, segment) ? node[segment] : undefined;
    if (existing === undefined) node = node[segment] = {};
    else if (isPlainObject(existing)) node = existing;
    else throw new UsageError(`--${flag}: ${segment} was already given a value that is not an object`);
  }
  node[segments.at(-1)!] = value;
}

function convertFlag(flag: string, values: readonly (string | undefined)[], schema: JsonSchema | undefined): unknown {
  const types = typesOf(schema);
  if (types.has('array') && (types.size === 1 || values.length > 1)) {
    const items = isSchema(schema?.['items']) ? schema['items'] : undefined;
    const only = values[0];
    if (values.length === 1 && only !== undefined && only.trimStart().startsWith('[')) {
      const parsed = parseJson(flag, only);
      if (!Array.isArray(parsed)) throw new UsageError(`--${flag} takes a JSON list or one flag per item`);
      return parsed;
    }
    return values.map((value) => convertScalar(flag, value, items));
  }
  if (values.length > 1) throw new UsageError(`--${flag} was given ${values.length} times but takes one value`);
  return convertScalar(flag, values[0], schema);
}

function convertScalar(flag: string, raw: string | undefined, schema: JsonSchema | undefined): unknown {
  const types = typesOf(schema);
  if (raw === undefined) {
    if (types.size === 0 || types.has('boolean')) return true;
    throw new UsageError(`--${flag} needs a value (${typeLabel(schema!)})`);
  }
  // A value given for a sensitive field is not echoed back in the error.
  const shown = schema?.['x-sensitive'] === true ? '(sensitive value)' : JSON.stringify(raw);
  if (types.size === 0) return raw;
  if (types.size > 1) {
    // Several types (string or number, say): JSON when the text is JSON of an allowed type, else the text.
    const parsed = parseJsonOrUndefined(raw);
    if (parsed !== undefined && types.has(jsonType(parsed))) return parsed;
    if (types.has('string')) return raw;
    throw new UsageError(`--${flag} takes ${typeLabel(schema!)}, got ${shown}`);
  }
  const [only] = types;
  switch (only) {
    case 'string':
      return raw;
    case 'boolean':
      return parseBooleanText(raw, `--${flag}`);
    case 'number':
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw.trim()))
        throw new UsageError(`--${flag} takes ${schema!['type'] === 'integer' ? 'a whole number' : 'a number'}, got ${shown}`);
      return Number(raw);
    case 'object': {
      const parsed = raw.trimStart().startsWith('{') ? parseJson(flag, raw) : undefined;
      if (!isPlainObject(parsed)) throw new UsageError(`--${flag} takes a JSON object such as '{"key": "value"}', or dotted flags such as --${flag}.key value`);
      return parsed;
    }
    default:
      return parseJson(flag, raw);
  }
}

function parseJsonOrUndefined(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function parseJson(flag: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--${flag} is not JSON: ${(error as Error).message}`);
  }
}
