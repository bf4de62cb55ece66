/**
 * `lint`: every problem as file:line: message, over small descriptor directories written for each case.
 * The shipped set: test/lint-shipped.test.ts; exit codes: test/lint-exit-codes.test.ts. Shared setup:
 * test/support/lint-dirs.ts.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_ACTIONS_DIR } from '../src/descriptors/paths.js';
import { lintDirectories, SOURCES_REQUIRED_IN } from '../src/lint/lint.js';
import { actionsDir, descriptor, lint, problems, removeActionsDirs } from './support/lint-dirs.js';

afterEach(removeActionsDirs);

describe('lint refuses, naming the file and the line', () => {
  it('a malformed YAML file', async () => {
    const dir = actionsDir({ 'widgets/DescribeWidget.yaml': 'action: DescribeWidget\nroute: /v2/widgets\nsummary: [unclosed\ndocs: https://x\n' });
    const result = await lint([dir]);
    expect(result.code).toBe(1);
    const [first] = problems(result, dir);
    expect(first).toMatch(/^widgets\/DescribeWidget\.yaml:[34]: not valid YAML: /);
    expect(result.out.at(-1)).toMatch(/^lint: 1 descriptor in 1 directory: \d+ problems? in 1 file$/);
  });

  it('a duplicate key, which YAML parsers disagree on', async () => {
    const dir = actionsDir({ 'widgets/DescribeWidget.yaml': descriptor('DescribeWidget', { extra: 'idempotent: false' }) });
    expect(problems(await lint([dir]), dir)).toEqual([expect.stringMatching(/^widgets\/DescribeWidget\.yaml:\d+: not valid YAML: Map keys must be unique/)]);
  });

  it('a descriptor whose action differs from its file name, and one whose route differs from its directory', async () => {
    const dir = actionsDir({
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidgets'),
      'widgets/CreateWidget.yaml': descriptor('CreateWidget', { route: 'route: /v2/gadgets' }),
    });
    const result = await lint([dir]);
    expect(result.code).toBe(1);
    expect(problems(result, dir)).toEqual([
      'widgets/CreateWidget.yaml:2: route is /v2/gadgets but the file lies in the directory for /v2/widgets',
      'widgets/DescribeWidget.yaml:1: action is DescribeWidgets but the file is named DescribeWidget.yaml',
    ]);
  });

  it('every break of the descriptor format, each at its own line', async () => {
    const dir = actionsDir({
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidget', {
        docs: 'docs: http://example.com',
        idempotent: 'idempotent: sometimes',
        extra: 'colour: blue',
      }),
    });
    expect(problems(await lint([dir]), dir)).toEqual([
      'widgets/DescribeWidget.yaml:4: breaks the descriptor format: $.docs must match pattern "^https://"',
      'widgets/DescribeWidget.yaml:5: breaks the descriptor format: $.idempotent must be boolean',
      'widgets/DescribeWidget.yaml:21: breaks the descriptor format: $ must NOT have additional properties (colour)',
    ]);
  });

  it('two files claiming one action: a case variant of a file name, or an action under another name', async () => {
    const caseVariant = actionsDir({
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidget'),
      'widgets/DescribeWIDGET.yaml': descriptor('DescribeWIDGET'),
    });
    const result = await lint([caseVariant]);
    expect(result.code).toBe(1);
    expect(problems(result, caseVariant)).toEqual([
      `widgets/DescribeWidget.yaml:1: DescribeWidget (/v2/widgets) is also claimed by ${caseVariant}/widgets/DescribeWIDGET.yaml`,
    ]);

    const renamed = actionsDir({ 'widgets/DescribeWidget.yaml': descriptor('DescribeWidget'), 'widgets/ShowWidget.yaml': descriptor('DescribeWidget') });
    expect(problems(await lint([renamed]), renamed)).toEqual([
      'widgets/ShowWidget.yaml:1: action is DescribeWidget but the file is named ShowWidget.yaml',
      `widgets/ShowWidget.yaml:1: DescribeWidget (/v2/widgets) is also claimed by ${renamed}/widgets/DescribeWidget.yaml`,
    ]);
  });

  it('the same action in an area directory of another case, across directories', async () => {
    const first = actionsDir({ 'widgets/DescribeWidget.yaml': descriptor('DescribeWidget') });
    const second = actionsDir({ 'Widgets/DescribeWidget.yaml': descriptor('DescribeWidget', { route: 'route: /v2/Widgets' }) });
    const result = await lint([first, second]);
    expect(result.code).toBe(1);
    expect(problems(result, second)).toEqual([
      `Widgets/DescribeWidget.yaml:1: DescribeWidget (/v2/Widgets) is also claimed by ${first}/widgets/DescribeWidget.yaml`,
    ]);
  });

  it('an example that does not validate against its schema, at the line of the offending value', async () => {
    const dir = actionsDir({
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidget', {
        examples: [
          'examples:',
          '  - title: too big',
          '    body:',
          '      widgetId: w-1',
          '      size: 11',
          '  - body: { widgetid: w-1 }',
          '    result: { state: Lost }',
        ].join('\n'),
      }),
    });
    expect(problems(await lint([dir]), dir)).toEqual([
      'widgets/DescribeWidget.yaml:22: example 1 (too big) body does not validate: $.size: must be <= 10; got 11',
      'widgets/DescribeWidget.yaml:23: example 2 body does not validate: $.widgetId: is required but missing',
      'widgets/DescribeWidget.yaml:23: example 2 body does not validate: $.widgetid: is not a known field; did you mean "widgetId"? Known fields: widgetId, size.',
      'widgets/DescribeWidget.yaml:24: example 2 result does not validate: $.state: must be one of "Ready", "Gone"; got "Lost"',
    ]);
  });

  it('a schema that ajv refuses in strict mode, or that is not JSON Schema', async () => {
    const dir = actionsDir({
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidget', {
        body: ['body:', '  type: object', '  properties:', '    widgetId: { type: string, colour: blue }'].join('\n'),
        result: ['result:', '  type: object', '  properties:', '    size: { maximum: 3 }'].join('\n'),
        examples: '',
      }),
      'widgets/CreateWidget.yaml': descriptor('CreateWidget', {
        body: ['body:', '  type: object', '  properties:', '    widgetId: { type: text }'].join('\n'),
        examples: '',
      }),
    });
    const result = await lint([dir]);
    expect(result.code).toBe(1);
    expect(problems(result, dir)).toEqual([
      expect.stringMatching(
        /^widgets\/CreateWidget\.yaml:9: body schema is not valid JSON Schema: \$\.properties\.widgetId\.type: must be one of "array", "boolean", .*; got "text"$/,
      ),
      'widgets/CreateWidget.yaml:9: body schema is not valid JSON Schema: $.properties.widgetId.type: must match a schema in anyOf',
      'widgets/DescribeWidget.yaml:9: body schema does not compile in ajv strict mode: unknown keyword: "colour"',
      'widgets/DescribeWidget.yaml:13: result schema does not compile in ajv strict mode: missing type "number" for keyword "maximum" at "#/properties/size" (strictTypes)',
    ]);
  });

  it('pagination items and waiter fields that the result schema does not declare, and waiter names used twice', async () => {
    const dir = actionsDir({
      'widgets/DescribeWidgets.yaml': descriptor('DescribeWidgets', { extra: 'pagination:\n  items: widgetList' }),
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidget', {
        extra: 'pagination:\n  items: state\nwaiters:\n  WidgetReady: { summary: Ready., status: status, success: [Ready] }',
      }),
      'gadgets/DescribeGadget.yaml': descriptor('DescribeGadget', {
        route: 'route: /v2/gadgets',
        extra: 'waiters:\n  WidgetReady: { summary: Ready., status: state, success: [Ready] }',
      }),
    });
    expect(problems(await lint([dir]), dir)).toEqual([
      'widgets/DescribeWidget.yaml:22: pagination.items is state, which the result schema does not declare as an array',
      'widgets/DescribeWidget.yaml:24: waiter WidgetReady reads status from status, which the result schema does not declare',
      `widgets/DescribeWidget.yaml:24: waiter WidgetReady is also defined by ${dir}/gadgets/DescribeGadget.yaml, and waiters are found by name alone`,
      'widgets/DescribeWidgets.yaml:22: pagination.items is widgetList, which the result schema does not declare',
    ]);
  });

  it('a descriptor outside an area directory, and a broken retry policy', async () => {
    const policy = [
      'maxAttempts: 0',
      'backoff: { baseMs: 100, throttleBaseMs: 500, capMs: 20000 }',
      'retryAfter: { maxMs: 60000 }',
      'throttle: { httpStatus: [429] }',
      'transient: { httpStatus: [503], legacyCodes: [two] }',
      'clockSkew: { codes: [RequestExpired] }',
      'network: { notSent: [ECONNREFUSED], ambiguous: [ECONNRESET] }',
    ];
    const dir = actionsDir({ 'DescribeWidget.yaml': descriptor('DescribeWidget'), 'retry-policy.yaml': policy.join('\n') });
    const result = await lint([dir]);
    expect(problems(result, dir)).toEqual([
      'DescribeWidget.yaml:1: not in an area directory, so never loaded: a descriptor lies at <dir>/<area>/<Action>.yaml',
      'retry-policy.yaml:1: invalid retry policy: $.maxAttempts must be >= 1',
      'retry-policy.yaml:5: invalid retry policy: $.transient.legacyCodes[0] must be integer',
    ]);
  });
});

describe('lint accepts', () => {
  it('files that are not descriptors, the meta-schema, and a valid retry policy', async () => {
    const dir = actionsDir({
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidget'),
      'widgets/README.md': '# not a descriptor: [\n',
      'widgets/DescribeWidget.yml.bak': 'action: [\n',
      'descriptor.schema.json': '{ not json',
      '.hidden/Broken.yaml': 'action: [\n',
    });
    cpSync(join(BUILTIN_ACTIONS_DIR, 'retry-policy.yaml'), join(dir, 'retry-policy.yaml'));
    const result = await lint([dir]);
    expect(result.out).toEqual(['lint: 1 descriptor in 1 directory: no problems']);
    expect(result.code).toBe(0);
  });

  it('the same file in a later directory: an override, as on the search path', async () => {
    const first = actionsDir({
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidget', { extra: 'waiters:\n  WidgetReady: { summary: Ready., status: state, success: [Ready] }' }),
    });
    const second = actionsDir({
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidget', {
        extra: 'waiters:\n  WidgetReady: { summary: Ready., status: state, success: [Ready, Gone] }',
      }),
    });
    const result = await lint([first, second]);
    expect(result.out).toEqual(['lint: 2 descriptors in 2 directories: no problems']);
    expect(result.code).toBe(0);
  });
});

describe('sources', () => {
  it('a descriptor without sources is a problem where sources are required, and only there', () => {
    const shipped = actionsDir({ 'widgets/DescribeWidget.yaml': descriptor('DescribeWidget') });
    const droppedIn = actionsDir({ 'widgets/ListWidgets.yaml': descriptor('ListWidgets') });
    const { problems } = lintDirectories([shipped, droppedIn], [shipped]);
    expect(problems).toEqual([{ file: join(shipped, 'widgets/DescribeWidget.yaml'), line: 1, message: expect.stringContaining('has no sources') }]);
  });

  it('is required of the shipped catalogue, which has them all', () => {
    expect(SOURCES_REQUIRED_IN).toEqual([BUILTIN_ACTIONS_DIR]);
    const { problems, descriptorCount } = lintDirectories([BUILTIN_ACTIONS_DIR]);
    expect(descriptorCount).toBeGreaterThanOrEqual(105);
    expect(problems).toEqual([]);
  });

  it('a descriptor with sources passes', () => {
    const shipped = actionsDir({
      'widgets/DescribeWidget.yaml': descriptor('DescribeWidget', { sources: 'sources: ["https://example.com/widgets: body fields"]' }),
    });
    expect(lintDirectories([shipped], [shipped]).problems).toEqual([]);
  });
});
