/**
 * Hostile descriptor directories, made in temporary folders: a FIFO, an oversized file, symbolic links,
 * dotted paths into Object.prototype, a pattern with catastrophic backtracking, a required field that
 * only the prototype has, a route name the length of a book. The client and lint both meet each at once,
 * with an error naming what is wrong.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, DescriptorError, paginate, ValidationError, type Logger } from 'qianfan-console';
import { lintDirectories } from '../src/lint/lint.js';
import { readDottedPath } from '../src/paginate/dotted-path.js';
import { consoleLike, useVerifyingServer } from './support/verifying-server.js';

const server = useVerifyingServer(
  { ak: 'sk' },
  consoleLike(() => ({ items: [1], pageInfo: { isTruncated: false } })),
);
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'qianfan-hostile-'));
  made.push(dir);
  return dir;
}

/** A dropped-in descriptor of /v2/widgets, with the given body schema and extra top-level YAML. */
function widget(action: string, body = '{ type: object, properties: { size: { type: integer } } }', extra = ''): string {
  return `action: ${action}\nroute: /v2/widgets\nsummary: A widget action.\ndocs: https://example.com/widgets\nidempotent: true\nbody: ${body}\nresult: { type: object }\n${extra}`;
}

function actionsDir(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function client(actionPaths: string[], logger?: Logger) {
  return createClient({ accessKey: 'ak', secretKey: 'sk', baseUrl: server.url, actionPaths, maxAttempts: 1, logger });
}

async function failure(call: Promise<unknown>): Promise<Error> {
  return (await call.then(
    () => undefined,
    (error: unknown) => error,
  )) as Error;
}

describe('descriptor files are read only when they are regular files of bounded size', () => {
  it('a FIFO is a DescriptorError naming it at once, for the client and for lint, never a blocked read', async () => {
    const dir = actionsDir({});
    mkdirSync(join(dir, 'widgets'));
    const fifo = join(dir, 'widgets', 'DescribeWidget.yaml');
    execFileSync('mkfifo', [fifo]);
    const error = await failure(client([dir]).callAction('/v2/widgets', 'DescribeWidget', {}));
    expect(error).toBeInstanceOf(DescriptorError);
    expect(error.message).toContain(fifo);
    expect(error.message).toContain('not a regular file (a FIFO)');
    expect(lintDirectories([dir], []).problems).toEqual([
      expect.objectContaining({ file: fifo, line: 1, message: expect.stringContaining('not a regular file (a FIFO)') }),
    ]);
    expect(server.requests).toHaveLength(0);
  });

  it('an oversized file is refused by its size before it is read', async () => {
    const dir = actionsDir({ 'widgets/DescribeWidget.yaml': '' });
    const file = join(dir, 'widgets', 'DescribeWidget.yaml');
    truncateSync(file, 3 * 1024 ** 3); // sparse: takes no disk, and more than one read could hold
    const error = await failure(client([dir]).callAction('/v2/widgets', 'DescribeWidget', {}));
    expect(error).toBeInstanceOf(DescriptorError);
    expect(error.message).toContain(`${file}: descriptor is ${3 * 1024 ** 3} bytes; the limit is 1048576`);
    expect(lintDirectories([dir], []).problems.map((p) => p.message)).toEqual([expect.stringContaining('the limit is 1048576')]);
  });

  it('symbolic links to a descriptor and to an area directory are followed by lint and the client alike', async () => {
    const elsewhere = actionsDir({
      'widgets/DescribeWidget.yaml': widget('DescribeWidget'),
      'gadgets/DescribeGadget.yaml': widget('DescribeGadget').replace('/v2/widgets', '/v2/gadgets'),
    });
    const dir = tempDir();
    mkdirSync(join(dir, 'widgets'));
    symlinkSync(join(elsewhere, 'widgets', 'DescribeWidget.yaml'), join(dir, 'widgets', 'DescribeWidget.yaml'));
    symlinkSync(join(elsewhere, 'gadgets'), join(dir, 'gadgets'));
    expect(lintDirectories([dir], [])).toEqual({ problems: [], descriptorCount: 2 });
    const qf = client([dir]);
    expect([...qf.catalogue.list('widgets'), ...qf.catalogue.list('gadgets')].map((a) => a.action)).toEqual(['DescribeWidget', 'DescribeGadget']);
    await qf.callAction('/v2/widgets', 'DescribeWidget', { size: 1 });
    await expect(qf.callAction('/v2/widgets', 'DescribeWidget', { size: 'big' })).rejects.toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('dotted paths never reach into Object.prototype', () => {
  const hostile = widget(
    'ListWidgets',
    undefined,
    'pagination: { items: __proto__.polluted }\nwaiters:\n  WidgetReady: { summary: Ready., status: constructor.name, success: [Object] }\n',
  );

  it('lint refuses __proto__, constructor and prototype segments', () => {
    const dir = actionsDir({ 'widgets/ListWidgets.yaml': hostile });
    const messages = lintDirectories([dir], []).problems.map((p) => p.message);
    expect(messages).toContainEqual(expect.stringContaining('the path "__proto__.polluted" has a __proto__ segment, which is refused'));
    expect(messages).toContainEqual(expect.stringContaining('the path "constructor.name" has a constructor segment'));
  });

  it('run time refuses them too, whatever the data', async () => {
    expect(() => readDottedPath({}, 'a.prototype')).toThrow(/prototype segment/);
    expect(() => readDottedPath(undefined, '__proto__')).toThrow(/__proto__ segment/);
    expect(readDottedPath({ a: { b: 1 } }, 'a.b')).toBe(1);
    const dir = actionsDir({ 'widgets/ListWidgets.yaml': hostile });
    const pages = paginate(client([dir]), '/v2/widgets', 'ListWidgets', {});
    await expect(pages.next()).rejects.toThrow(/__proto__ segment/);
  });
});

describe('patterns', () => {
  const catastrophic = '{ type: object, properties: { code: { type: string, pattern: "^(a+)+$" } } }';

  it('lint refuses a pattern with catastrophic backtracking', () => {
    const dir = actionsDir({ 'widgets/CreateWidget.yaml': widget('CreateWidget', catastrophic) });
    expect(lintDirectories([dir], []).problems.map((p) => p.message)).toEqual([
      expect.stringContaining('the pattern "^(a+)+$" can backtrack catastrophically'),
    ]);
  });

  it('one that slipped in cannot stall a call: patterns run in linear time', async () => {
    const dir = actionsDir({ 'widgets/CreateWidget.yaml': widget('CreateWidget', catastrophic) });
    const warnings: string[] = [];
    const qf = client([dir], { debug: () => undefined, warn: (line) => warnings.push(line) });
    // With a backtracking engine this input takes longer than the test's time limit (2^60 ways to split).
    const body = { code: `${'a'.repeat(60)}!` };
    await qf.callAction('/v2/widgets', 'CreateWidget', body);
    expect(warnings).toEqual([expect.stringContaining('$.code: must match pattern')]);
    const strict = await failure(qf.callAction('/v2/widgets', 'CreateWidget', body, { validation: 'strict' }));
    expect(strict).toBeInstanceOf(ValidationError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('names and properties', () => {
  it('a required field is met only by an own property, never by the prototype', async () => {
    const dir = actionsDir({
      'widgets/CreateWidget.yaml': widget('CreateWidget', '{ type: object, required: [toString], properties: { toString: { type: string } } }'),
    });
    const error = await failure(client([dir]).callAction('/v2/widgets', 'CreateWidget', {}));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems).toEqual([expect.objectContaining({ path: '$.toString', keyword: 'required' })]);
    expect(server.requests).toHaveLength(0);
  });

  it('a route or action name in an error message is cut to a readable length', async () => {
    const long = 'x'.repeat(100_000);
    for (const [route, action] of [
      [`/v2/${long}`, 'DescribeWidget'],
      ['/v2/widgets', `Describe${long}`],
    ] as const) {
      const error = (await failure(client([]).callAction(route, action, {}))) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      const message = error.problems[0]!.message;
      expect(message.length).toBeLessThan(300);
      expect(message).toContain('(100004 characters)'.replace('100004', String((route === '/v2/widgets' ? action : route).length)));
    }
  });
});
