/**
 * Checking a request body before it is sent, under the client's validation mode:
 * - compatible (the default): the catalogue always lags the console, so only what is almost surely a
 *   mistake refuses the call: a value of the wrong JSON type, a missing required field, an unknown field
 *   that is a likely misspelling of a known one (taskid for taskId). Anything else the schema does not
 *   allow (an unknown field like no known one, a value outside an enum, range, length or pattern) is
 *   sent, with a warning;
 * - strict: every schema violation refuses the call;
 * - off: nothing is checked against the schema.
 * Whatever the mode, the body must be a JSON object that can be serialised.
 */
import { ValidationError, type Problem } from '../errors.js';
import { collapseAlternatives, joinPath, misspeltField, toProblems } from './report.js';
import type { JsonSchema, SchemaCheck, SchemaFailure } from './schema.js';

export type ValidationMode = 'strict' | 'compatible' | 'off';
export const VALIDATION_MODES: readonly ValidationMode[] = ['strict', 'compatible', 'off'];
/** Never blocks a call the console would take, yet catches likely mistakes; see the top of this file. */
export const DEFAULT_VALIDATION_MODE: ValidationMode = 'compatible';

export interface BodyCheckResult {
  /** Problems that did not refuse the call (compatible mode). */
  warnings: Problem[];
}

const NO_WARNINGS: BodyCheckResult = Object.freeze({ warnings: Object.freeze([]) as unknown as Problem[] });

export function checkBody(
  body: unknown,
  schema: { check: SchemaCheck; schema: JsonSchema } | undefined,
  mode: ValidationMode,
  where: { route: string; action: string },
): BodyCheckResult {
  assertJsonObject(body, where);
  if (!schema || mode === 'off') return NO_WARNINGS;
  const failures = schema.check(body);
  if (failures === true) return NO_WARNINGS;
  // A failing branch of a oneOf is not itself a refusal: the oneOf as a whole is judged (and only warned).
  const refusing = mode === 'strict' ? failures : collapseAlternatives(failures).filter((f) => refusesWhenCompatible(f, schema.schema));
  if (refusing.length > 0) {
    throw new ValidationError(`${where.action} (${where.route}) body refused before sending`, toProblems(refusing, schema.schema, body), where);
  }
  return { warnings: toProblems(failures, schema.schema, body) };
}

/** A wrong JSON type, a missing required field, a misspelt field: the console cannot mean what was sent. */
function refusesWhenCompatible(failure: SchemaFailure, schema: JsonSchema): boolean {
  return failure.keyword === 'type' || failure.keyword === 'required' || misspeltField(failure, schema) !== undefined;
}

/** Serialises a checked body. */
export function serialiseBody(body: Record<string, unknown>, where: { route: string; action: string }): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new ValidationError(`${where.action} (${where.route}) body cannot be sent as JSON`, [
      { path: '$', keyword: 'json', message: (error as Error).message.split('\n')[0]! },
    ], where);
  }
}

const MAX_DEPTH = 64;

/** The body must be a plain object of JSON values: no functions, symbols, BigInts, cycles or special objects. */
function assertJsonObject(body: unknown, where: { route: string; action: string }): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError(`${where.action} (${where.route}) body refused before sending`, [
      { path: '$', keyword: 'type', message: `the body must be a JSON object, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}` },
    ], where);
  }
  if (isFlatJson(body as Record<string, unknown>)) return;
  const problems: Problem[] = [];
  const ancestors = new Set<object>();
  const visit = (value: unknown, path: string, depth: number): void => {
    if (problems.length >= 10) return;
    switch (typeof value) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(value)) problems.push({ path, keyword: 'json', message: `${value} has no JSON form` });
        return;
      case 'bigint':
        problems.push({ path, keyword: 'json', message: 'a BigInt has no JSON form; pass a number or a string' });
        return;
      case 'undefined':
        return; // JSON.stringify drops undefined members, as the official SDKs do
      case 'function':
      case 'symbol':
        problems.push({ path, keyword: 'json', message: `a ${typeof value} has no JSON form` });
        return;
    }
    if (value === null) return;
    const object = value as object;
    if (ancestors.has(object)) {
      problems.push({ path, keyword: 'json', message: 'circular reference: this value contains itself' });
      return;
    }
    if (depth > MAX_DEPTH) {
      problems.push({ path, keyword: 'json', message: `nested deeper than ${MAX_DEPTH} levels` });
      return;
    }
    const proto = Object.getPrototypeOf(object);
    if (!Array.isArray(object) && proto !== Object.prototype && proto !== null) {
      problems.push({ path, keyword: 'json', message: `a ${proto?.constructor?.name ?? 'special'} object is not plain JSON data` });
      return;
    }
    ancestors.add(object);
    if (Array.isArray(object)) object.forEach((item, i) => visit(item, joinPath(path, i), depth + 1));
    else for (const key of Object.keys(object)) visit((object as Record<string, unknown>)[key], joinPath(path, key), depth + 1);
    ancestors.delete(object);
  };
  visit(body, '$', 0);
  if (problems.length > 0) throw new ValidationError(`${where.action} (${where.route}) body cannot be sent as JSON`, problems, where);
}

/** The common case, decided without allocating: a plain object whose members are all strings, booleans or finite numbers. */
function isFlatJson(body: Record<string, unknown>): boolean {
  const proto = Object.getPrototypeOf(body);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in body) {
    const value = body[key];
    const type = typeof value;
    if (type !== 'string' && type !== 'boolean' && !(type === 'number' && Number.isFinite(value))) return false;
  }
  return true;
}
