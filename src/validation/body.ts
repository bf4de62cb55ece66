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
import { jsonCheckOf } from './json-plan.js';
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
  assertObject(body, where);
  // Off: no walk; serialiseBody still refuses what JSON cannot carry at all (a BigInt, a cycle).
  if (mode === 'off') return NO_WARNINGS;
  if (!schema) {
    assertJsonData(body as Record<string, unknown>, where);
    return NO_WARNINGS;
  }
  const failures = checkedAndJson(body as Record<string, unknown>, schema.check, schema.schema, where);
  if (failures === true) return NO_WARNINGS;
  // A failing branch of a oneOf is not itself a refusal: the oneOf as a whole is judged (and only warned).
  const refusing = mode === 'strict' ? failures : collapseAlternatives(failures).filter((f) => refusesWhenCompatible(f, schema.schema));
  if (refusing.length > 0) {
    throw new ValidationError(`${where.action} (${where.route}) body refused before sending`, toProblems(refusing, schema.schema, body), where);
  }
  return { warnings: toProblems(failures, schema.schema, body) };
}

/**
 * The schema's verdict on a body that is JSON data (else the JSON problems are thrown, before any schema
 * problem). When ajv finds the body valid, only what the schema leaves open is walked (json-plan.ts);
 * otherwise, or when the schema vouches for nothing, the whole body is walked first, as before ajv runs.
 */
function checkedAndJson(
  body: Record<string, unknown>,
  check: SchemaCheck,
  schema: JsonSchema,
  where: { route: string; action: string },
): true | readonly SchemaFailure[] {
  const leftOpen = jsonCheckOf(schema, isJsonData, MAX_DEPTH);
  if (leftOpen) {
    let failures: true | readonly SchemaFailure[] | undefined;
    try {
      failures = check(body);
    } catch {
      // ajv met what is not JSON data (a cycle under a recursive schema, say): the walk says what, below.
    }
    if (failures === true && leftOpen(body)) return true;
    assertJsonData(body, where);
    if (failures !== undefined) return failures;
  } else assertJsonData(body, where);
  return check(body);
}

/** A wrong JSON type, a missing required field, a misspelt field: the console cannot mean what was sent. */
function refusesWhenCompatible(failure: SchemaFailure, schema: JsonSchema): boolean {
  return failure.keyword === 'type' || failure.keyword === 'required' || misspeltField(failure, schema) !== undefined;
}

/** Serialises a checked body; when JSON.stringify refuses, the walk finds where. */
export function serialiseBody(body: Record<string, unknown>, where: { route: string; action: string }): string {
  try {
    return JSON.stringify(body);
  } catch (error) {
    const found = jsonProblems(body);
    throw new ValidationError(
      `${where.action} (${where.route}) body cannot be sent as JSON`,
      found.length > 0 ? found : [{ path: '$', keyword: 'json', message: (error as Error).message.split('\n')[0]! }],
      where,
    );
  }
}

function assertObject(body: unknown, where: { route: string; action: string }): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError(
      `${where.action} (${where.route}) body refused before sending`,
      [
        {
          path: '$',
          keyword: 'type',
          message: `the body must be a JSON object, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}`,
        },
      ],
      where,
    );
  }
}

/** The body must be plain JSON data: no functions, symbols, BigInts, cycles, NaN or special objects. */
function assertJsonData(body: Record<string, unknown>, where: { route: string; action: string }): void {
  if (isJsonData(body, 0)) return;
  const problems = jsonProblems(body);
  if (problems.length > 0) throw new ValidationError(`${where.action} (${where.route}) body cannot be sent as JSON`, problems, where);
}

const MAX_DEPTH = 64;
const MAX_JSON_PROBLEMS = 10;

/** Where a value lies: its container's link and its key. Linked per container, rendered as a path only for a problem. */
interface PathLink {
  parent: PathLink | undefined;
  key: string | number | undefined;
}

function render(parent: PathLink | undefined, key: string | number | undefined): string {
  const keys: (string | number)[] = key === undefined ? [] : [key];
  for (let link = parent; link && link.key !== undefined; link = link.parent) keys.push(link.key);
  let path = '$';
  for (let i = keys.length - 1; i >= 0; i--) path = joinPath(path, keys[i]!);
  return path;
}

function jsonProblems(body: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const ancestors = new Set<object>();
  const report = (parent: PathLink | undefined, key: string | number | undefined, message: string): void => {
    problems.push({ path: render(parent, key), keyword: 'json', message });
  };
  const visit = (value: unknown, parent: PathLink | undefined, key: string | number | undefined, depth: number): void => {
    if (problems.length >= MAX_JSON_PROBLEMS) return;
    switch (typeof value) {
      case 'string':
      case 'boolean':
      case 'undefined': // JSON.stringify drops undefined members, as the official SDKs do
        return;
      case 'number':
        if (!Number.isFinite(value)) report(parent, key, `${value} has no JSON form`);
        return;
      case 'bigint':
        report(parent, key, 'a BigInt has no JSON form; pass a number or a string');
        return;
      case 'function':
      case 'symbol':
        report(parent, key, `a ${typeof value} has no JSON form`);
        return;
    }
    if (value === null) return;
    const object = value as object;
    if (ancestors.has(object)) {
      report(parent, key, 'circular reference: this value contains itself');
      return;
    }
    if (depth > MAX_DEPTH) {
      report(parent, key, `nested deeper than ${MAX_DEPTH} levels`);
      return;
    }
    const proto = Object.getPrototypeOf(object);
    if (!Array.isArray(object) && proto !== Object.prototype && proto !== null) {
      report(parent, key, `a ${proto?.constructor?.name ?? 'special'} object is not plain JSON data`);
      return;
    }
    ancestors.add(object);
    const here: PathLink = { parent, key };
    if (Array.isArray(object)) for (let i = 0; i < object.length; i++) visit(object[i], here, i, depth + 1);
    else for (const name of Object.keys(object)) visit((object as Record<string, unknown>)[name], here, name, depth + 1);
    ancestors.delete(object);
  };
  visit(body, undefined, undefined, 0);
  return problems;
}

/**
 * The common case, decided without allocating: plain objects and arrays of strings, booleans, finite
 * numbers and null, at most MAX_DEPTH deep (so a cycle is caught too). When it says no, jsonProblems
 * walks again to say what and where.
 */
function isJsonData(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'undefined':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH) return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (!isJsonData(value[i], depth + 1)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const key in value) if (!isJsonData((value as Record<string, unknown>)[key], depth + 1)) return false;
  return true;
}
