/**
 * Documentation of the body flags, for `call … --help` and `describe`: every property of the schema as a
 * flag (or, inside lists, as a JSON field) with its type and constraints, and a command line that sends
 * a given body.
 */
import type { JsonSchema } from '../index.js';
import type { Body } from './body-flags.js';
import { isPlainObject, isSchema, typeLabel } from './schema-types.js';

/** How deep nested properties are listed as dotted flags. */
const MAX_FLAG_DEPTH = 4;

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
