/**
 * A body must be plain JSON data even where its schema types every value: ajv passes a Date or a Map
 * as `type: object`, cannot see nesting too deep and recurses forever on a cycle under a recursive
 * schema, so the walk that ajv's verdict lets the client skip (src/validation/json-plan.ts) must still
 * refuse each of these with the same message and path, in every mode that checks.
 */
import { describe, expect, it } from 'vitest';
import { createClient, ValidationError, type ValidationMode } from 'qianfan-console';
import { actionDir } from './support/action-dir.js';

const RECORDS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', maxLength: 64 },
    options: { type: 'object', additionalProperties: false, properties: { dryRun: { type: 'boolean' } } },
    meta: { type: 'object' },
    records: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: { id: { type: 'integer', minimum: 0 }, tags: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
};

/** 70 levels of `{ next: … }`, every one typed, closed and optional. */
function nestedSchema(levels: number): Record<string, unknown> {
  let schema: Record<string, unknown> = { type: 'object', additionalProperties: false, properties: {} };
  for (let i = 0; i < levels; i++) schema = { type: 'object', additionalProperties: false, properties: { next: schema } };
  return schema;
}

const TREE = {
  type: 'object',
  additionalProperties: false,
  properties: { root: { $ref: '#/definitions/node' } },
  definitions: { node: { type: 'object', additionalProperties: false, properties: { child: { $ref: '#/definitions/node' } } } },
};

const descriptor = (action: string, body: object) =>
  `action: ${action}\nroute: /v2/plans\nsummary: Plan test.\ndocs: https://example.invalid/plans\nidempotent: true\nbody: ${JSON.stringify(body)}\nresult: { type: object }\n`;

const dir = actionDir({
  plans: {
    'PutRecords.yaml': descriptor('PutRecords', RECORDS),
    'PutNested.yaml': descriptor('PutNested', nestedSchema(70)),
    'PutTree.yaml': descriptor('PutTree', TREE),
  },
});

class Tagged {
  id = 1;
}

function refusal(mode: ValidationMode, action: string, body: object): ValidationError {
  const qf = createClient({ accessKey: 'ak', secretKey: 'sk', validation: mode, actionPaths: [dir] });
  try {
    qf.showRequest('/v2/plans', action, body);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('the body was accepted');
}

function deep(levels: number): Record<string, unknown> {
  let body: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) body = { next: body };
  return body;
}

describe.each(['compatible', 'strict'] as const)('plain JSON data under a schema that types it (%s)', (mode) => {
  it.each([
    ['a Date where a closed object is declared', { options: new Date(0) }, '$.options', 'a Date object is not plain JSON data'],
    ['a Map where a closed object is declared', { options: new Map() }, '$.options', 'a Map object is not plain JSON data'],
    ['a class instance as an array item', { records: [{ id: 0 }, new Tagged()] }, '$.records[1]', 'a Tagged object is not plain JSON data'],
    ['a function in an open object', { meta: { f: () => 1 } }, '$.meta.f', 'a function has no JSON form'],
    ['NaN where an integer is declared', { records: [{ id: Number.NaN }] }, '$.records[0].id', 'NaN has no JSON form'],
    ['a BigInt in a string array', { records: [{ id: 1, tags: ['a', 2n] }] }, '$.records[0].tags[1]', 'a BigInt has no JSON form; pass a number or a string'],
  ])('%s is refused naming the path', (_label, body, path, message) => {
    const error = refusal(mode, 'PutRecords', body);
    expect(error.message).toMatch(/^PutRecords \(\/v2\/plans\) body cannot be sent as JSON/);
    expect(error.problems).toEqual([{ path, keyword: 'json', message }]);
  });

  it('nesting deeper than 64 levels is refused even where every level is declared', () => {
    const error = refusal(mode, 'PutNested', deep(66));
    expect(error.problems).toEqual([{ path: expect.stringMatching(/^\$(\.next)+/), keyword: 'json', message: 'nested deeper than 64 levels' }]);
  });

  it('a cycle under a recursive schema is refused as one, not as a stack overflow', () => {
    const root: Record<string, unknown> = {};
    root['child'] = { child: root };
    const error = refusal(mode, 'PutTree', { root });
    expect(error.problems).toEqual([{ path: '$.root.child.child', keyword: 'json', message: 'circular reference: this value contains itself' }]);
  });

  it('plain data passes: objects without a prototype, members set to undefined, 64 levels', () => {
    const qf = createClient({ accessKey: 'ak', secretKey: 'sk', validation: mode, actionPaths: [dir] });
    const record = Object.assign(Object.create(null) as object, { id: 3, tags: ['x'] });
    expect(JSON.parse(JSON.stringify(qf.showRequest('/v2/plans', 'PutRecords', { name: undefined, records: [record], meta: { a: [1, null] } }).body))).toEqual({
      records: [{ id: 3, tags: ['x'] }],
      meta: { a: [1, null] },
    });
    expect(JSON.parse(JSON.stringify(qf.showRequest('/v2/plans', 'PutNested', deep(64)).body))).toEqual(deep(64));
  });
});
