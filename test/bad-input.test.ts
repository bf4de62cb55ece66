/**
 * The bad-input suite: every hostile or broken input yields a clear, typed error, nothing is sent,
 * and nothing outside the action directories is read.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, DescriptorError, ValidationError } from 'qianfan-console';
import { actionDir } from './support/action-dir.js';
import { useVerifyingServer } from './support/verifying-server.js';

const server = useVerifyingServer({ ak: 'sk' });

const client = (actionPaths: string[] = [], validation?: 'strict') =>
  createClient({ accessKey: 'ak', secretKey: 'sk', baseUrl: server.url, actionPaths, maxAttempts: 1, validation });

const valid = (action: string, route = '/v2/widgets') => `action: ${action}
route: ${route}
summary: test action
docs: https://example.invalid/doc
idempotent: true
body: {type: object, additionalProperties: false, properties: {id: {type: string}}}
result: {type: boolean}
`;

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => error,
  );
}

describe('broken descriptors', () => {
  it('malformed YAML: DescriptorError naming the file and line, nothing sent', async () => {
    const dir = actionDir({ widgets: { 'DescribeWidget.yaml': 'action: DescribeWidget\nroute: /v2/widgets\nbody: {type: object\n  bad: [\n' } });
    const error = (await refusal(client([dir]).callAction('/v2/widgets', 'DescribeWidget', {}))) as DescriptorError;
    expect(error).toBeInstanceOf(DescriptorError);
    expect(error.file).toBe(join(dir, 'widgets', 'DescribeWidget.yaml'));
    expect(error.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/DescribeWidget\.yaml:\d+: not valid YAML/);
    expect(server.requests).toHaveLength(0);
  });

  it('a descriptor violating the format: the field and its line', async () => {
    const text = valid('DescribeWidget').replace('idempotent: true', 'idempotent: sometimes');
    const dir = actionDir({ widgets: { 'DescribeWidget.yaml': text } });
    const error = (await refusal(client([dir]).callAction('/v2/widgets', 'DescribeWidget', {}))) as DescriptorError;
    expect(error).toBeInstanceOf(DescriptorError);
    expect(error.line).toBe(5);
    expect(error.message).toContain('$.idempotent must be boolean');
    expect(server.requests).toHaveLength(0);
  });

  it('a body schema that meets the format but that ajv refuses (an unknown keyword): DescriptorError naming the file, nothing sent', async () => {
    // The README's first example had this mistake: an unquoted comma in a flow mapping makes "task-…" a keyword.
    const text = valid('DescribeWidget').replace('properties: {id: {type: string}}', 'properties: {id: {type: string, description: The widget, widget-…}}');
    const dir = actionDir({ widgets: { 'DescribeWidget.yaml': text } });
    const error = (await refusal(client([dir]).callAction('/v2/widgets', 'DescribeWidget', { id: 'w' }))) as DescriptorError;
    expect(error).toBeInstanceOf(DescriptorError);
    expect(error.file).toBe(join(dir, 'widgets', 'DescribeWidget.yaml'));
    expect(error.message).toContain('the body schema does not compile: unknown keyword: "widget-…"');
    expect(error.message).toContain(`qianfan-console lint ${dir}`);
    expect(server.requests).toHaveLength(0);
  });

  it('a file claiming another action, or another route, is refused', async () => {
    const dir = actionDir({ widgets: { 'DescribeWidget.yaml': valid('DescribeGadget'), 'DescribeGadget.yaml': valid('DescribeGadget', '/v2/gadgets') } });
    const qf = client([dir]);
    const first = (await refusal(qf.callAction('/v2/widgets', 'DescribeWidget', {}))) as DescriptorError;
    expect(first.message).toContain('action is DescribeGadget but the file is named DescribeWidget.yaml');
    const second = (await refusal(qf.callAction('/v2/widgets', 'DescribeGadget', {}))) as DescriptorError;
    expect(second.message).toContain('route is /v2/gadgets');
    expect(server.requests).toHaveLength(0);
  });

  it('a YAML alias bomb is refused quickly without expanding', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 0; i < 9; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`,
      );
    const dir = actionDir({ widgets: { 'DescribeWidget.yaml': `${bomb.join('\n')}\naction: DescribeWidget\n` } });
    const before = process.memoryUsage().heapUsed;
    const error = (await refusal(client([dir]).callAction('/v2/widgets', 'DescribeWidget', {}))) as DescriptorError;
    expect(error).toBeInstanceOf(DescriptorError);
    expect(error.message).toMatch(/alias/i);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('a broken descriptor of another action does not affect this one (only the called file is read)', async () => {
    const dir = actionDir({ widgets: { 'DescribeWidget.yaml': valid('DescribeWidget'), 'BrokenWidget.yaml': ':::: not yaml [' } });
    const res = await client([dir]).callAction('/v2/widgets', 'DescribeWidget', { id: 'w' });
    expect(res.result).toBe(true);
  });
});

describe('hostile route and action names are refused before any file or network access', () => {
  const names: Array<[string, string]> = [
    ['/v2/../../etc', 'Passwd'],
    ['/v2/finetuning', '../../package'],
    ['/v2/fine/tuning', 'DescribeFineTuningTask'],
    ['/v2/finetuning', 'Describe FineTuningTask'],
    ['/v2/finetuning', 'Describe\u0000Task'],
    ['/v2/finetuning\n', 'DescribeFineTuningTask'],
    ['/v2/finetuning', 'describeFineTuningTask'],
    ['/v2/fine%2Ftuning', 'DescribeFineTuningTask'],
    ['/v2/finetuning', 'Describe\\Task'],
    ['', 'DescribeFineTuningTask'],
  ];
  it.each(names)('route %j action %j', async (route, action) => {
    const error = (await refusal(client().callAction(route, action, {}))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.problems[0]?.path).toMatch(/^(route|action)$/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('hostile bodies', () => {
  it('__proto__ and constructor keys pollute nothing and are refused as unknown fields (strict)', async () => {
    const body = JSON.parse('{"taskId":"t","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as object;
    // @ts-expect-error: deliberately not a DescribeFineTuningTask body
    const error = (await refusal(client([], 'strict').callAction('/v2/finetuning', 'DescribeFineTuningTask', body))) as ValidationError;
    expect(error.problems.map((p) => p.path).sort()).toEqual(['$.__proto__', '$.constructor']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(server.requests).toHaveLength(0);
  });

  it('an action without a descriptor sends such keys as data, still polluting nothing', async () => {
    const body = JSON.parse('{"__proto__":{"polluted":true}}') as object;
    await client().callAction('/v2/finetuning', 'DescribeNothing', body);
    expect(JSON.parse(server.requests[0]!.body)).toEqual(JSON.parse('{"__proto__":{"polluted":true}}'));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it.each([
    [
      'a circular structure',
      (() => {
        const o: Record<string, unknown> = { taskId: 't' };
        o['self'] = o;
        return o;
      })(),
      /circular/,
    ],
    ['a BigInt', { taskId: 't', n: 10n }, /BigInt/],
    ['a function', { taskId: 't', f: () => 1 }, /function/],
    ['NaN', { taskId: 't', n: NaN }, /no JSON form/],
    ['a Map', { taskId: 't', m: new Map() }, /Map object/],
  ])('%s is refused naming the path', async (_label, body, message) => {
    const error = (await refusal(client().callAction('/v2/finetuning', 'DescribeNoDescriptor', body as object))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(message);
    expect(error.problems[0]?.path).toMatch(/^\$\./);
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['null', null],
    ['an array', [1, 2]],
    ['a string', 'taskId=t'],
    ['a number', 42],
  ])('a body that is %s is refused', async (_label, body) => {
    // @ts-expect-error: deliberately not a DescribeFineTuningTask body
    const error = (await refusal(client().callAction('/v2/finetuning', 'DescribeFineTuningTask', body as unknown as object))) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('the body must be a JSON object');
    expect(server.requests).toHaveLength(0);
  });

  it('a huge body of problems is reported with a bounded list', async () => {
    const body: Record<string, unknown> = { taskId: 't' };
    for (let i = 0; i < 500; i++) body[`field${i}`] = i;
    // @ts-expect-error: deliberately not a DescribeFineTuningTask body
    const error = (await refusal(client([], 'strict').callAction('/v2/finetuning', 'DescribeFineTuningTask', body))) as ValidationError;
    expect(error.problems.length).toBeLessThanOrEqual(51);
    expect(error.problems.at(-1)?.message).toContain('only the first 50');
  });
});
