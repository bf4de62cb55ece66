/**
 * The checks lint makes inside one descriptor that met the format: its schemas compile in ajv's
 * strict mode (as the client will compile them), its examples validate against them, and the
 * dotted paths that pagination and waiters read from the result exist in the result schema.
 */
import type { ActionDescriptor } from '../descriptors/types.js';
import type { Problem } from '../errors.js';
import { toProblems } from '../validation/report.js';
import { unsafeDottedPath } from '../paginate/dotted-path.js';
import { hazardProblems } from './hazard-checks.js';
import { eachSubschema, escapePointer, isObject } from './schema-walk.js';
import { compileFailureReason, wrap, type JsonSchema, type SchemaCheck, type SchemaFailure, type strictAjv } from '../validation/schema.js';

/** A problem at a line of the descriptor's file. */
export interface LineProblem {
  line: number;
  message: string;
}

type Ajv = ReturnType<typeof strictAjv>;

/** Checks a descriptor's schemas, examples and result paths; `lineOf` maps a JSON pointer into the file to its line. */
export function checkDescriptorContent(descriptor: ActionDescriptor, lineOf: (pointer: string) => number, ajv: Ajv): LineProblem[] {
  const problems: LineProblem[] = hazardProblems(descriptor, lineOf);
  const body = compileForLint(ajv, descriptor.body, '/body', 'body', lineOf, problems);
  const result = compileForLint(ajv, descriptor.result, '/result', 'result', lineOf, problems);
  (descriptor.examples ?? []).forEach((example, index) => {
    const name = `example ${index + 1}${example.title ? ` (${example.title})` : ''}`;
    if (body) problems.push(...exampleProblems(body, descriptor.body, example.body, `/examples/${index}/body`, `${name} body`, lineOf));
    if (result && 'result' in example)
      problems.push(...exampleProblems(result, descriptor.result, example.result, `/examples/${index}/result`, `${name} result`, lineOf));
  });
  // An unsafe path is reported by hazardProblems; it is not looked up.
  if (descriptor.pagination && !unsafeDottedPath(descriptor.pagination.items)) {
    const items = descriptor.pagination.items;
    const found = resultField(descriptor.result, items);
    if (!found) problems.push({ line: lineOf('/pagination/items'), message: `pagination.items is ${items}, which the result schema does not declare` });
    else if (!typeIncludes(found, 'array'))
      problems.push({ line: lineOf('/pagination/items'), message: `pagination.items is ${items}, which the result schema does not declare as an array` });
  }
  for (const [name, waiter] of Object.entries(descriptor.waiters ?? {})) {
    for (const key of ['status', 'progress'] as const) {
      const path = waiter[key];
      if (path !== undefined && !unsafeDottedPath(path) && !resultField(descriptor.result, path)) {
        problems.push({
          line: lineOf(`/waiters/${name}/${key}`),
          message: `waiter ${name} reads ${key} from ${path}, which the result schema does not declare`,
        });
      }
    }
  }
  return problems;
}

/** Compiles a schema as the client would; on failure records where and why, and returns undefined. */
function compileForLint(
  ajv: Ajv,
  schema: JsonSchema,
  pointer: string,
  what: string,
  lineOf: (pointer: string) => number,
  problems: LineProblem[],
): SchemaCheck | undefined {
  if (!ajv.validateSchema(schema)) {
    // These failures are against the draft-07 meta-schema; the messages need nothing from its text.
    problems.push(...locate(toProblems((ajv.errors ?? []) as SchemaFailure[], {}, schema), pointer, `${what} schema is not valid JSON Schema`, lineOf));
    return undefined;
  }
  try {
    return wrap(ajv.compile(schema));
  } catch (error) {
    const message = compileFailureReason(error);
    problems.push({ line: lineOf(pointer + strictModeLocation(schema, message)), message: `${what} schema does not compile in ajv strict mode: ${message}` });
    return undefined;
  } finally {
    // Two descriptors may reuse an $id; each is compiled on its own by the client.
    ajv.removeSchema(schema);
  }
}

/**
 * Where in the schema a strict-mode error points: ajv names the place for most errors
 * (`at "#/properties/a"`) but not for an unknown keyword, which is then looked for.
 */
function strictModeLocation(schema: JsonSchema, message: string): string {
  const at = /at "#([^"]*)"/.exec(message);
  if (at) return decodeURIComponent(at[1]!);
  const unknown = /unknown keyword: "([^"]+)"/.exec(message);
  return (unknown && keywordLocation(schema, unknown[1]!)) ?? '';
}

/** The JSON pointer of the first schema that uses `keyword`, searching subschemas only (not property names or data). */
function keywordLocation(schema: unknown, keyword: string): string | undefined {
  let found: string | undefined;
  eachSubschema(schema, (node, pointer) => {
    if (!Object.hasOwn(node, keyword)) return false;
    found = pointer;
    return true;
  });
  return found;
}

function exampleProblems(
  check: SchemaCheck,
  schema: JsonSchema,
  data: unknown,
  pointer: string,
  name: string,
  lineOf: (pointer: string) => number,
): LineProblem[] {
  const failures = check(data);
  return failures === true ? [] : locate(toProblems(failures, schema, data), pointer, `${name} does not validate`, lineOf);
}

/** Validation problems of the value at `pointer` in the file, each at the line of the value it is about. */
function locate(problems: readonly Problem[], pointer: string, heading: string, lineOf: (pointer: string) => number): LineProblem[] {
  return problems.map((p) => ({ line: lineOf(pointer + pointerOfJsonPath(p.path)), message: `${heading}: ${p.path}: ${p.message}` }));
}

/** $.a[0]["b c"] → /a/0/b c (the inverse of report.ts's toJsonPath, for finding lines). */
function pointerOfJsonPath(path: string): string {
  let pointer = '';
  for (const [, name, index, quoted] of path.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    pointer += '/' + escapePointer(name ?? index ?? (JSON.parse(quoted!) as string));
  }
  return pointer;
}

/** The schema of a dotted path in the result (as pagination and waiters name fields), if declared. */
function resultField(schema: JsonSchema, dottedPath: string): JsonSchema | undefined {
  let node: JsonSchema | undefined = schema;
  for (const segment of dottedPath.split('.')) {
    node = node && declaredProperty(node, segment);
  }
  return node;
}

/** A property declared by the schema itself or by one of its alternatives (allOf, anyOf, oneOf). */
function declaredProperty(schema: JsonSchema, name: string): JsonSchema | undefined {
  const properties = schema['properties'];
  if (isObject(properties) && Object.hasOwn(properties, name) && isObject(properties[name])) return properties[name];
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const branches = schema[key];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      const found = isObject(branch) ? declaredProperty(branch, name) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function typeIncludes(schema: JsonSchema, type: string): boolean {
  const declared = schema['type'];
  return declared === type || (Array.isArray(declared) && declared.includes(type));
}
