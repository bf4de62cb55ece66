/**
 * The files generated from the descriptors (src/generated/actions.ts, docs/actions.md): committed,
 * so they must be what `npm run generate` would write now; and what the generators make of schemas.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActionDescriptor } from '../src/descriptors/types.js';
import { renderActionTypes } from '../src/generate/action-types.js';
import { generatedFiles, readCatalogue, REPOSITORY_ROOT } from '../src/generate/files.js';
import { renderReference } from '../src/generate/reference.js';

const catalogue = readCatalogue();

describe('the committed generated files', () => {
  it.each(generatedFiles(catalogue).map((f) => [f.path, f.text]))('%s is up to date (else run npm run generate)', (path, text) => {
    const committed = readFileSync(join(REPOSITORY_ROOT, path), 'utf8');
    // A plain equality, so that a stale file fails with a diff rather than a wall of text.
    expect(committed.split('\n')).toEqual(text.split('\n'));
  });

  it('change when a descriptor changes, so that a stale file is caught', () => {
    const changed = catalogue.map((d) =>
      d.action === 'CreateFineTuningJob'
        ? { ...d, body: { ...d.body, properties: { ...(d.body['properties'] as object), priority: { type: 'integer' } } } }
        : d,
    );
    const [types, reference] = generatedFiles(changed);
    expect(types!.text).not.toBe(readFileSync(join(REPOSITORY_ROOT, types!.path), 'utf8'));
    expect(types!.text).toContain('  priority?: number;');
    expect(reference!.text).toContain('| `priority` | integer |');
  });

  it('cover every action of the catalogue', () => {
    const types = readFileSync(join(REPOSITORY_ROOT, 'src/generated/actions.ts'), 'utf8');
    const reference = readFileSync(join(REPOSITORY_ROOT, 'docs/actions.md'), 'utf8');
    expect(catalogue.length).toBeGreaterThanOrEqual(80);
    for (const d of catalogue) {
      expect(types).toContain(`    ${d.action}: { body: `);
      expect(reference).toContain(`\n### ${d.action}\n\n${d.summary}\n`);
      expect(reference).toContain(`(#${d.action.toLowerCase()})`);
    }
  });
});

/** A descriptor of widgets/DescribeWidget with the given body schema. */
function widget(body: Record<string, unknown>, extra: Partial<ActionDescriptor> = {}): ActionDescriptor {
  return {
    action: 'DescribeWidget',
    route: '/v2/widgets',
    summary: 'Show one widget.',
    docs: 'https://example.com/w',
    idempotent: true,
    body,
    result: { type: 'object' },
    ...extra,
  };
}

/** The generated body type of a schema, without comments. */
function bodyType(body: Record<string, unknown>): string {
  const text = renderActionTypes([widget(body)]);
  const start =
    text.indexOf('export interface DescribeWidgetBody') >= 0
      ? text.indexOf('export interface DescribeWidgetBody')
      : text.indexOf('export type DescribeWidgetBody');
  return text
    .slice(start, text.indexOf('\n\n', start))
    .replace(/\s*\/\*\*[\s\S]*?\*\/\n/g, '\n')
    .replace(/\s+/g, ' ');
}

describe('types from JSON Schema', () => {
  it('closed and open objects, required and optional fields, scalars, enums and arrays', () => {
    expect(
      bodyType({
        type: 'object',
        additionalProperties: false,
        required: ['id', 'mode'],
        properties: {
          id: { type: 'string' },
          mode: { type: 'string', enum: ['A', 'B'] },
          count: { type: 'integer' },
          ratio: { type: 'number' },
          on: { type: 'boolean' },
          tags: { type: 'array', items: { type: 'string', enum: ['x', 'y'] } },
          meta: { type: 'object' },
          'odd-name': { type: ['string', 'null'] },
          nested: { type: 'object', additionalProperties: false, required: ['k'], properties: { k: { const: 1 } } },
        },
      }),
    ).toBe(
      'export interface DescribeWidgetBody { id: string; mode: "A" | "B"; count?: number; ratio?: number; on?: boolean; tags?: ("x" | "y")[]; ' +
        'meta?: { [key: string]: unknown; }; "odd-name"?: string | null; nested?: { k: 1; }; }',
    );
  });

  it('a result that is not an object is a type alias', () => {
    const text = renderActionTypes([
      widget({ type: 'object' }, { result: { type: 'array', items: { type: 'object', properties: { a: { type: 'string' } } } } }),
    ]);
    expect(text).toContain('export type DescribeWidgetResult = {\n  a?: string;\n  [key: string]: unknown;\n}[];');
    expect(renderActionTypes([widget({ type: 'object' }, { result: { type: 'boolean' } })])).toContain('export type DescribeWidgetResult = boolean;');
  });

  it('a closed object without properties accepts only {}', () => {
    expect(bodyType({ type: 'object', additionalProperties: false })).toBe('export interface DescribeWidgetBody { [key: string]: never; }');
  });

  it('oneOf of required-only alternatives: one variant per alternative, a field required alone by another excluded', () => {
    expect(
      bodyType({
        type: 'object',
        additionalProperties: false,
        properties: { a: { type: 'string' }, b: { type: 'integer' }, c: { type: 'string' }, d: { type: 'string' } },
        allOf: [
          {
            oneOf: [
              { properties: { a: true }, required: ['a'] },
              { properties: { b: true }, required: ['b'] },
            ],
          },
          { anyOf: [{ required: ['c', 'd'] }, { required: ['a'] }] },
        ],
      }),
    ).toBe(
      'export type DescribeWidgetBody = { a?: string; b?: number; c?: string; d?: string; } & ({ a: string; b?: never; } | { b: number; a?: never; }) & ({ c: string; d: string; } | { a: string; });',
    );
  });

  it('conditions that a type cannot express leave the type as loose as the properties', () => {
    expect(
      bodyType({
        type: 'object',
        properties: { kind: { type: 'string' }, path: { type: 'string' } },
        if: { properties: { kind: { const: 'BOS' } }, required: ['kind'] },
        // biome-ignore lint/suspicious/noThenProperty: `then` is a JSON Schema keyword here
        then: { required: ['path'] },
        dependencies: { path: ['kind'] },
      }),
    ).toBe('export interface DescribeWidgetBody { kind?: string; path?: string; [key: string]: unknown; }');
  });

  it('descriptions and limits become JSDoc', () => {
    const text = renderActionTypes([
      widget({ type: 'object', properties: { n: { type: 'integer', minimum: 1, maximum: 100, default: 10, description: 'Page size.' } } }),
    ]);
    expect(text).toContain('  /**\n   * Page size.\n   *\n   * from 1 to 100; default 10\n   */\n  n?: number;');
    expect(text).toContain(
      '    /**\n     * Show one widget.\n     *\n     * @see https://example.com/w\n     */\n    DescribeWidget: { body: DescribeWidgetBody; result: DescribeWidgetResult };',
    );
  });
});

describe('the reference', () => {
  const reference = renderReference([
    widget(
      {
        type: 'object',
        additionalProperties: false,
        required: ['config'],
        properties: {
          name: { type: 'string', minLength: 2, maxLength: 20, description: 'Name | label.' },
          config: {
            type: 'object',
            required: ['mode'],
            properties: {
              mode: { enum: ['A', 'B'] },
              parts: { type: 'array', items: { type: 'object', properties: { size: { type: 'integer', maximum: 9 } } } },
            },
          },
          secret: { type: 'string', 'x-sensitive': true },
        },
        oneOf: [
          { properties: { name: true }, required: ['name'] },
          { properties: { secret: true }, required: ['secret'] },
        ],
      },
      {
        notes: 'Not all modes are known.',
        sources: ['https://example.com/w: body fields', 'bce-qianfan-sdk python/widgets.py: the route'],
        examples: [{ title: 'A widget', body: { name: 'w1', config: { mode: 'A' } } }],
        pagination: {
          inputToken: 'marker',
          limitKey: 'maxKeys',
          maxLimit: 100,
          outputToken: 'pageInfo.nextMarker',
          moreResults: 'pageInfo.isTruncated',
          items: 'widgets',
        },
      },
    ),
  ]);

  it('lists parameters with dotted names, types, required marks, limits and descriptions', () => {
    expect(reference).toContain('| `name` | string |  | from 2 to 20 characters | Name \\| label. |');
    expect(reference).toContain('| `config` | object | yes |  |  |');
    expect(reference).toContain('| `config.mode` | string | yes | one of `"A"`, `"B"` |  |');
    expect(reference).toContain('| `config.parts[].size` | integer |  | at most 9 |  |');
    expect(reference).toContain('| `secret` | string |  | sensitive: masked in logs and errors |  |');
    expect(reference).toContain('- Exactly one of `name` or `secret`.');
  });

  it('has a table of contents, the docs link, idempotency, pagination, notes, sources and the example', () => {
    expect(reference).toContain('- [`/v2/widgets`](#v2widgets): [DescribeWidget](#describewidget)');
    expect(reference).toContain('[Baidu documentation](https://example.com/w) · idempotent');
    expect(reference).toContain('the items come in `widgets`');
    expect(reference).toContain('**Notes**\n\n- Not all modes are known.');
    expect(reference).toContain('**Sources**\n\n- https://example.com/w: body fields\n- bce-qianfan-sdk python/widgets.py: the route');
    expect(reference).toContain('**Example: A widget**\n\n```json\n{\n  "name": "w1",\n  "config": {\n    "mode": "A"\n  }\n}\n```');
  });
});
