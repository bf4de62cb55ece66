/**
 * The request body from the command line, typed by the action's body schema: every property is a
 * flag, nested properties are dotted flags (--datasetConfig.sourceType Platform), lists take the flag
 * once per item or one JSON list, objects take JSON. `--body` (JSON, @file, or - for stdin) is the
 * base that flags are laid over. The schema itself is checked by the library afterwards; this module
 * only turns text into the JSON types the schema asks for, and documents the flags.
 */
import { UsageError, parseBooleanText, type ExtraFlag } from './argv.js';
import type { JsonSchema } from '../index.js';

export type Body = Record<string, unknown>;

/** Segments that would reach an object's prototype if used as a key while building the body. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
/** How deep nested properties are listed as dotted flags. */
const MAX_FLAG_DEPTH = 4;

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

/** The JSON types a schema allows ('integer' is read as 'number'); empty when it does not say. */
function typesOf(schema: JsonSchema | undefined): Set<string> {
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

function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

function isSchema(value: unknown): value is JsonSchema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isPlainObject(value: unknown): value is Body {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// ─── Documentation of the flags, for `call … --help` and `describe` ───

export interface ParameterDoc {
  /** Dotted path; `[]` marks the items of a list, which are given inside that list's JSON, not as flags. */
  name: string;
  isFlag: boolean;
  depth: number;
  type: string;
  required: boolean;
  /** Enum, range, default, how to give lists and objects, sensitivity. */
  notes: string[];
  description: string | undefined;
}

/** Every property of a schema, nested ones after their parent; `asFlags` for a body, whose properties are flags. */
export function documentParameters(schema: JsonSchema, asFlags: boolean): ParameterDoc[] {
  const docs: ParameterDoc[] = [];
  const walk = (node: JsonSchema, prefix: string, depth: number, isFlag: boolean): void => {
    const required = new Set(Array.isArray(node['required']) ? (node['required'] as string[]) : []);
    const properties = (isSchema(node['properties']) ? node['properties'] : {}) as Record<string, unknown>;
    for (const [key, property] of Object.entries(properties)) {
      if (!isSchema(property)) continue;
      const name = prefix ? `${prefix}.${key}` : key;
      docs.push({
        name,
        isFlag,
        depth,
        type: typeLabel(property),
        required: required.has(key),
        notes: notesOf(property, isFlag, name),
        description: property['description'] as string | undefined,
      });
      if (depth + 1 >= MAX_FLAG_DEPTH) continue;
      const items = property['items'];
      if (isSchema(property['properties'])) walk(property, name, depth + 1, isFlag);
      else if (isSchema(items) && isSchema(items['properties'])) walk(items, `${name}[]`, depth + 1, false);
    }
  };
  walk(schema, '', 0, asFlags);
  return docs;
}

/** "Give exactly one of …" for a body whose oneOf/anyOf branches each only require one field. */
export function documentAlternatives(schema: JsonSchema): string[] {
  return ['oneOf', 'anyOf'].flatMap((keyword) => {
    const branches = schema[keyword];
    if (!Array.isArray(branches)) return [];
    const names = branches.map((b) =>
      isSchema(b) && Array.isArray(b['required']) ? (b['required'] as string[]).map((n) => `--${n}`).join(' with ') : undefined,
    );
    if (names.some((n) => n === undefined)) return [];
    return [`Give ${keyword === 'oneOf' ? 'exactly' : 'at least'} one of: ${names.join(', ')}.`];
  });
}

function typeLabel(schema: JsonSchema): string {
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

function notesOf(schema: JsonSchema, isFlag: boolean, name: string): string[] {
  const notes: string[] = [];
  const range =
    rangeOf(schema, 'minimum', 'maximum') ?? rangeOf(schema, 'minLength', 'maxLength', 'length ') ?? rangeOf(schema, 'minItems', 'maxItems', 'items ');
  if (range) notes.push(range);
  if (typeof schema['pattern'] === 'string') notes.push(`pattern ${schema['pattern']}`);
  if (schema['default'] !== undefined) notes.push(`default ${JSON.stringify(schema['default'])}`);
  if (isFlag && schema['type'] === 'array') notes.push(`repeat --${name} per item, or give a JSON list`);
  if (isFlag && schema['type'] === 'object') notes.push(isSchema(schema['properties']) ? 'JSON, or the dotted flags below' : 'JSON');
  if (schema['x-sensitive'] === true) notes.push('sensitive: masked in output');
  return notes;
}

function rangeOf(schema: JsonSchema, minKey: string, maxKey: string, prefix = ''): string | undefined {
  const min = schema[minKey] as number | undefined;
  const max = schema[maxKey] as number | undefined;
  if (min === undefined && max === undefined) return undefined;
  if (min !== undefined && max !== undefined) return `${prefix}${min}..${max}`;
  return min !== undefined ? `${prefix}≥ ${min}` : `${prefix}≤ ${max}`;
}

/** Parameters as help text: the flag and its type on one line, the description under it. */
export function renderParameters(docs: readonly ParameterDoc[]): string {
  return docs
    .map((doc) => {
      const indent = '  ' + '  '.repeat(doc.depth);
      const head = doc.isFlag ? `--${doc.name}` : doc.name;
      const value = doc.type === 'boolean' && doc.isFlag ? '[true|false]' : `<${doc.type}>`;
      const notes = [...(doc.required ? ['required'] : []), ...doc.notes];
      const first = `${indent}${head} ${value}${notes.length ? `   ${notes.join(' · ')}` : ''}`;
      return doc.description ? `${first}\n${indent}    ${doc.description}` : first;
    })
    .join('\n');
}

/** A command line that sends this body: scalars and scalar lists as flags, nested objects as dotted flags, the rest as JSON. */
export function commandForBody(prefix: string, body: Body): string {
  const parts: string[] = [prefix];
  const add = (path: string, value: unknown): void => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, member] of Object.entries(value)) add(`${path}.${key}`, member);
    } else if (Array.isArray(value) && value.length > 0 && value.every((v) => v === null || typeof v !== 'object')) {
      for (const item of value) parts.push(`--${path}`, shellQuote(String(item)));
    } else if (value !== null && typeof value === 'object') {
      parts.push(`--${path}`, shellQuote(JSON.stringify(value)));
    } else {
      parts.push(`--${path}`, shellQuote(String(value)));
    }
  };
  for (const [key, value] of Object.entries(body)) add(key, value);
  return parts.join(' ');
}

export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_\-.,:/@%+=]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
