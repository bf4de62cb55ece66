/**
 * Turns ajv's error objects into one report: each problem as a JSON path and a plain sentence,
 * every problem of a body at once (after botocore's validate.py, which collects before it raises).
 */
import type { Problem } from '../errors.js';
import type { JsonSchema, SchemaFailure } from './schema.js';

/** The most problems one report lists; a hostile body must not make the report itself expensive. */
export const MAX_PROBLEMS = 50;

/** Keywords that limit a value's range rather than its type: their problems show the value given. */
export const RANGE_KEYWORDS: ReadonlySet<string> = new Set([
  'enum',
  'const',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
]);

export function toProblems(failures: readonly SchemaFailure[], schema: JsonSchema, data: unknown): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const failure of collapseAlternatives(failures)) {
    const problem = describe(failure, schema, data);
    const key = problem.path + '\0' + problem.message;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
    if (problems.length === MAX_PROBLEMS) {
      problems.push({ path: '$', keyword: 'limit', message: `more problems were found; only the first ${MAX_PROBLEMS} are listed` });
      break;
    }
  }
  return problems;
}

/** A failed oneOf/anyOf also reports every failing branch; the branch errors say nothing the summary does not. */
export function collapseAlternatives(failures: readonly SchemaFailure[]): SchemaFailure[] {
  const alternatives = failures.filter((f) => f.keyword === 'oneOf' || f.keyword === 'anyOf').map((f) => f.schemaPath + '/');
  if (alternatives.length === 0) return [...failures];
  return failures.filter((f) => !alternatives.some((prefix) => f.schemaPath.startsWith(prefix)));
}

/** The schema holding the keyword that failed (the object schema of an additionalProperties failure, say). */
function holderOf(failure: SchemaFailure, schema: JsonSchema): JsonSchema | undefined {
  return schemaAt(schema, failure.schemaPath.split('/').slice(1, -1));
}

function declaredFields(holder: JsonSchema | undefined): string[] {
  return Object.keys((holder?.['properties'] as JsonSchema | undefined) ?? {});
}

/** For an unknown-field failure, the declared field it is a likely misspelling of, if any. */
export function misspeltField(failure: SchemaFailure, schema: JsonSchema): string | undefined {
  if (failure.keyword !== 'additionalProperties') return undefined;
  return likelyMisspelling(String(failure.params['additionalProperty']), declaredFields(holderOf(failure, schema)));
}

function describe(failure: SchemaFailure, schema: JsonSchema, data: unknown): Problem {
  const { keyword, params } = failure;
  const holder = holderOf(failure, schema);
  const sensitive = holder?.['x-sensitive'] === true;
  const value = valueAt(data, failure.instancePath);
  const shown = sensitive ? '(sensitive value)' : preview(value);
  const path = toJsonPath(failure.instancePath);
  switch (keyword) {
    case 'required': {
      const field = String(params['missingProperty']);
      return { path: joinPath(path, field), keyword, message: 'is required but missing' };
    }
    case 'additionalProperties': {
      const field = String(params['additionalProperty']);
      const known = declaredFields(holder);
      const near = nearest(field, known);
      const hint = near ? `; did you mean "${near}"?` : '.';
      const list = known.length ? ` Known fields: ${known.join(', ')}.` : ' No fields are accepted here.';
      return { path: joinPath(path, field), keyword, message: `is not a known field${hint}${list}` };
    }
    case 'type':
      return { path, keyword, message: `must be ${article(String(params['type']))}, got ${typeName(value)}${sensitive ? '' : ` ${shown}`}` };
    case 'enum':
      return { path, keyword, message: `must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}; got ${shown}` };
    case 'oneOf':
    case 'anyOf': {
      const branches = holder?.[keyword] as JsonSchema[] | undefined;
      const groups = requiredOnlyAlternatives(branches);
      if (groups) {
        const fields = groups.flat();
        const present = fields.filter((n) => value !== null && typeof value === 'object' && n in (value as object));
        const which = present.length ? `got ${present.join(' and ')}` : 'got none';
        const howMany = keyword === 'oneOf' ? 'exactly' : 'at least';
        // One field per alternative reads as a list; groups of fields need telling apart.
        const choices = groups.every((g) => g.length === 1) ? `one of ${fields.join(', ')}` : `one of: ${groups.map((g) => g.join(' with ')).join('; or ')}`;
        return { path, keyword, message: `needs ${howMany} ${choices}; ${which}` };
      }
      return { path, keyword, message: `${failure.message ?? 'does not match the alternatives'}` };
    }
    default:
      return { path, keyword, message: `${failure.message ?? 'is invalid'}${RANGE_KEYWORDS.has(keyword) ? `; got ${shown}` : ''}` };
  }
}

/**
 * For alternatives that only say which fields must be present — `{required: [a, b]}`, or
 * `{properties: {a: true, b: true}, required: [a, b]}` as ajv's strict mode wants it — the field names
 * of each alternative.
 */
function requiredOnlyAlternatives(branches: JsonSchema[] | undefined): string[][] | undefined {
  const groups = branches?.map((branch) => {
    const required = branch['required'];
    const properties = (branch['properties'] ?? {}) as Record<string, unknown>;
    const onlyRequired = Object.keys(branch).every((k) => k === 'required' || k === 'properties');
    const trivialProperties = Object.values(properties).every((p) => p === true);
    return onlyRequired && trivialProperties && Array.isArray(required) && required.length > 0 ? required.map(String) : undefined;
  });
  return groups?.every((g) => g !== undefined) ? (groups as string[][]) : undefined;
}

function schemaAt(schema: JsonSchema, segments: string[]): JsonSchema | undefined {
  let node: unknown = schema;
  for (const raw of segments) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[decodePointer(raw)];
  }
  return node !== null && typeof node === 'object' ? (node as JsonSchema) : undefined;
}

function valueAt(data: unknown, instancePath: string): unknown {
  let node = data;
  for (const raw of instancePath.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[decodePointer(raw)];
  }
  return node;
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number' || /^\d+$/.test(key)) return `${base}[${key}]`;
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

/** JSON pointer /a/0/b → $.a[0].b */
export function toJsonPath(pointer: string): string {
  let path = '$';
  for (const raw of pointer.split('/').slice(1)) path = joinPath(path, decodePointer(raw));
  return path;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Number.isInteger(value)) return 'an integer';
  return article(typeof value);
}

function article(type: string): string {
  if (type.includes(',')) return `one of ${type}`;
  return (/^[aeiou]/.test(type) ? 'an ' : 'a ') + type;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? text.slice(0, 57) + '…' : text;
}

/** The known name closest to a misspelt one, if any is close enough to be a likely typo. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/**
 * The known name a name is almost certainly a slip for: the same apart from case, '_' and '-' (taskid,
 * task_id for taskId), or, for longer names, one typing slip away (modle, trainMdoe). Stricter than
 * `nearest`, because it refuses a call: a new console field merely resembling a known one must pass.
 */
export function likelyMisspelling(name: string, known: readonly string[]): string | undefined {
  const typed = normalised(name);
  const slips = typed.length >= 9 ? 2 : typed.length >= 4 ? 1 : 0;
  for (const candidate of known) {
    const meant = normalised(candidate);
    if (meant === typed || (Math.abs(meant.length - typed.length) <= slips && editDistance(typed, meant) <= slips)) return candidate;
  }
  return undefined;
}

function normalised(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Edits (insert, delete, substitute, swap two neighbours) between two names; a swap is one typing slip. */
function editDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, beforePrevious[j - 2]! + 1);
      current[j] = best;
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length]!;
}
