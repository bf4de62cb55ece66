import { inspect } from 'node:util';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  callAction,
  ClientClosedError,
  ConfigError,
  createClient,
  metadataOf,
  resetDefaultClient,
  ResponseError,
  ServiceError,
  ValidationError,
} from 'qianfan-console';
import { actionDir } from './support/action-dir.js';
import { startConnectProxy } from './support/connect-proxy.js';
import { consoleLike, useVerifyingServer } from './support/verifying-server.js';

const AK = 'ALTAKtest0123456789';
const SK = 'secret-key-that-must-never-show-0123';
const server = useVerifyingServer({ [AK]: SK });

function client(extra: Parameters<typeof createClient>[0] = {}) {
  return createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1, ...extra });
}

describe('callAction over undici against a verifying loopback server', () => {
  it('the default client reads QIANFAN_* from the environment and returns {requestId, result}', async () => {
    process.env['QIANFAN_ACCESS_KEY'] = AK;
    process.env['QIANFAN_SECRET_KEY'] = SK;
    process.env['QIANFAN_CONSOLE_API_BASE_URL'] = server.url;
    try {
      const res = await callAction('/v2/finetuning', 'DeleteFineTuningTask', { taskId: 'task-ny12345n7' });
      expect(res).toEqual({ requestId: 'req-1', result: true });
    } finally {
      delete process.env['QIANFAN_ACCESS_KEY'];
      delete process.env['QIANFAN_SECRET_KEY'];
      delete process.env['QIANFAN_CONSOLE_API_BASE_URL'];
      await resetDefaultClient();
    }
    const [request] = server.requests;
    expect(request?.authProblem).toBeNull();
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/v2/finetuning');
    expect(request?.query.get('Action')).toBe('DeleteFineTuningTask');
    expect(JSON.parse(request!.body)).toEqual({ taskId: 'task-ny12345n7' });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['authorization']).toMatch(
      /^bce-auth-v1\/ALTAKtest0123456789\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\/1800\/content-type;host;x-bce-date\/[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-bce-date']).toBe(request!.headers['authorization']!.split('/')[2]);
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(request?.headers['user-agent']).toBe(`qianfan-console/${version} node/${process.versions.node}`);
  });

  it('accepts the route as "finetuning" and the Go SDK base URL variable (an empty variable counts as unset)', async () => {
    const qf = createClient({
      env: { QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK, QIANFAN_CONSOLE_API_BASE_URL: '', QIANFAN_CONSOLE_BASE_URL: server.url },
    });
    const res = await qf.callAction('finetuning', 'StopFineTuningTask', { taskId: 'task-1' });
    expect(res.result).toBe(true);
    expect(server.requests[0]?.path).toBe('/v2/finetuning');
    await qf.close();
  });

  it('signs an STS session token and uses the configured expiration', async () => {
    const qf = client({ sessionToken: 'sts-token-secret-value', expirationSeconds: 300 });
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    const request = server.requests[0]!;
    expect(request.authProblem).toBeNull();
    expect(request.headers['x-bce-security-token']).toBe('sts-token-secret-value');
    expect(request.headers['authorization']).toContain('/300/content-type;host;x-bce-date;x-bce-security-token/');
    await qf.close();
  });

  it('reuses one connection for sequential calls (keep-alive pool per client)', async () => {
    const qf = client();
    const before = server.connections;
    for (let i = 0; i < 20; i++) await qf.callAction('/v2/finetuning', 'StopFineTuningTask', { taskId: `task-${i}` });
    expect(server.requests).toHaveLength(20);
    // undici may open a second socket while the first finishes its previous response; never one per call.
    expect(server.connections - before).toBeLessThanOrEqual(2);
    await qf.close();
  });

  it('refuses {taskid: 1} locally with both problems named and sends nothing', async () => {
    const qf = client();
    // @ts-expect-error: the misspelling is the point, and the types catch it too
    const error = await qf.callAction('/v2/finetuning', 'DeleteFineTuningTask', { taskid: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const problems = (error as ValidationError).problems.map((p) => [p.path, p.keyword]);
    expect(problems).toEqual(
      expect.arrayContaining([
        ['$.taskId', 'required'],
        ['$.taskid', 'additionalProperties'],
      ]),
    );
    expect((error as ValidationError).message).toContain('did you mean "taskId"');
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('sends an action without a descriptor unvalidated (warning when it looks like a misspelt known one), and refuses it under undescribedActions: "refuse" listing known actions', async () => {
    const warnings: string[] = [];
    const qf = client({ logger: { debug: () => undefined, warn: (line) => warnings.push(line) } });
    await qf.callAction('/v2/finetuning', 'DescribeSomethingNew', { anything: 1 });
    expect(server.requests[0]?.query.get('Action')).toBe('DescribeSomethingNew');
    expect(warnings).toEqual([]);
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningJob', {});
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningJob', {});
    expect(server.requests[1]?.query.get('Action')).toBe('DescribeFineTuningJob');
    // Once per client, not per call.
    expect(warnings).toEqual(['DescribeFineTuningJob (/v2/finetuning) has no descriptor, so it is sent unchecked; did you mean DescribeFineTuningJobs?']);
    server.requests.length = 1;
    const strict = client({ undescribedActions: 'refuse' });
    const error = await strict.callAction('/v2/finetuning', 'DescribeSomethingNew', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('CreateFineTuningJob');
    expect(server.requests).toHaveLength(1);
    await Promise.all([qf.close(), strict.close()]);
  });

  it('a call on a closed client fails with ClientClosedError and sends nothing', async () => {
    const qf = client();
    await qf.close();
    const error = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientClosedError);
    expect(error).toMatchObject({ code: 'ClientClosed', action: 'DescribeFineTuningTask' });
    expect(server.requests).toHaveLength(0);
  });

  it('refuses an undescribedActions value it does not know, naming the choices', () => {
    expect(() => client({ undescribedActions: 'strict' as never })).toThrow(/undescribedActions must be one of send, refuse/);
  });

  it('refuses an option it does not know, client-wide or per call, naming the likely one; nothing is sent', async () => {
    expect(() => client({ strict: true } as never)).toThrow(/"strict" is not a client option/);
    expect(() => client({ timeout: 5 } as never)).toThrow(/"timeout" is not a client option; did you mean timeoutMs\?/);
    const qf = client();
    const error = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' }, { deadline: 5 } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ConfigError', code: 'InvalidConfig' });
    expect((error as Error).message).toMatch(/"deadline" is not a call option; did you mean deadlineMs\?/);
    expect(server.requests).toHaveLength(0);
  });

  it('uses a descriptor dropped into an actionPaths directory, overriding and adding actions', async () => {
    const dir = actionDir({
      finetuning: {
        'DescribeFineTuningTask.yaml': `action: DescribeFineTuningTask
route: /v2/finetuning
summary: overridden
docs: https://example.invalid/doc
idempotent: true
body:
  type: object
  additionalProperties: false
  required: [taskId, region]
  properties:
    taskId: {type: string}
    region: {type: string, enum: [bj, bd]}
result: {type: object}
`,
      },
      newarea: {
        'DescribeWidget.yaml': `action: DescribeWidget
route: /v2/newarea
summary: a new action
docs: https://example.invalid/doc
idempotent: true
body: {type: object, additionalProperties: false, required: [widgetId], properties: {widgetId: {type: string}}}
result: {type: object}
`,
      },
    });
    const qf = client({ actionPaths: [dir] });
    const refused = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e);
    expect((refused as ValidationError).problems.map((p) => p.path)).toEqual(['$.region']);
    server.handler = consoleLike((req) => ({ echoed: JSON.parse(req.body) }));
    const res = await qf.callAction('/v2/newarea', 'DescribeWidget', { widgetId: 'w-1' });
    expect(res.result).toEqual({ echoed: { widgetId: 'w-1' } });
    expect(server.requests[0]?.path).toBe('/v2/newarea');
    expect(server.requests[0]?.authProblem).toBeNull();
    await qf.close();
  });
});

describe('results and errors', () => {
  it('raises the V2 error shape as ServiceError with every field', async () => {
    server.handler = () => ({
      status: 400,
      headers: { 'x-bce-request-id': 'rid-9' },
      body: { requestId: 'rid-9', code: 'InappropriateJSON', message: 'param[splitRatio] invalid.' },
    });
    const qf = client();
    const error = (await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e)) as ServiceError;
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      route: '/v2/finetuning',
      action: 'DescribeFineTuningTask',
      httpStatus: 400,
      requestId: 'rid-9',
      code: 'InappropriateJSON',
      shape: 'v2',
    });
    expect(error.message).toContain('param[splitRatio] invalid.');
    expect(metadataOf(error)).toMatchObject({ attempts: 1, httpStatus: 400, requestId: 'rid-9' });
    await qf.close();
  });

  it('raises a legacy error_code inside a 200 body', async () => {
    server.handler = () => ({ status: 200, body: { log_id: 1, error_code: 500001, error_msg: 'param invalid' } });
    const qf = client();
    const error = (await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e)) as ServiceError;
    expect(error).toMatchObject({ name: 'ServiceError', code: '500001', shape: 'legacy', httpStatus: 200 });
    await qf.close();
  });

  it('raises IAM errors carried in X-Bce-Error-Code headers', async () => {
    server.handler = () => ({
      status: 401,
      headers: { 'x-bce-error-code': 'SignatureDoesNotMatch', 'x-bce-error-message': 'Fail to authn user: Signature does not match' },
      raw: '',
    });
    const qf = client();
    const error = (await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e)) as ServiceError;
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', shape: 'iam-header', httpStatus: 401 });
    await qf.close();
  });

  it('raises ResponseError for a 200 that is not JSON, and ServiceError for a non-JSON 502', async () => {
    const qf = client();
    server.handler = () => ({ status: 200, raw: '<html>gateway</html>' });
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' })).rejects.toMatchObject({
      name: 'ResponseError',
      code: 'MalformedResponse',
    });
    server.handler = () => ({ status: 502, raw: 'Bad Gateway' });
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' })).rejects.toMatchObject({
      name: 'ServiceError',
      code: 'HTTP502',
      httpStatus: 502,
    });
    server.handler = () => ({ status: 200, raw: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) });
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' })).rejects.toBeInstanceOf(ResponseError);
    await qf.close();
  });

  it('reaches the console through an HTTP proxy (CONNECT tunnel), signature intact', async () => {
    const proxy = await startConnectProxy();
    const qf = client({ proxy: proxy.url });
    try {
      const res = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
      expect(res.result).toBe(true);
      expect(proxy.tunnels).toEqual([new URL(server.url).host]);
      expect(server.requests[0]?.authProblem).toBeNull();
    } finally {
      await qf.close();
      await proxy.close();
    }
    expect(() => client({ proxy: 'not a url' })).toThrow('proxy must be an http(s) URL');
    expect(() => client({ proxy: 'http://user:pw@p:1', transport: 'fetch' })).toThrow('proxy works with the undici transport');
  });

  it('refuses malformed numeric and transport options with a ConfigError naming the option, on the client or per call, sending nothing', async () => {
    const bad: Array<[Parameters<typeof createClient>[0], string]> = [
      [{ maxAttempts: 0 }, 'maxAttempts must be a whole number of at least 1, got 0'],
      [{ maxAttempts: -1 }, 'maxAttempts'],
      [{ maxAttempts: 'x' as unknown as number }, 'maxAttempts must be a whole number of at least 1, got "x"'],
      [{ timeoutMs: -1 }, 'timeoutMs'],
      [{ deadlineMs: 1.5 }, 'deadlineMs'],
      [{ maxSockets: 0 }, 'maxSockets'],
      [{ maxConcurrency: Number.NaN }, 'maxConcurrency'],
      [{ transport: 'bogus' as 'fetch' }, `transport must be 'undici', 'fetch' or an object with send() and close(), got "bogus"`],
    ];
    for (const [options, message] of bad) {
      expect(() => client(options)).toThrow(ConfigError);
      expect(() => client(options)).toThrow(message);
    }
    const qf = client();
    for (const options of [{ maxAttempts: 0 }, { timeoutMs: 0 }, { deadlineMs: -5 }]) {
      await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, options)).rejects.toMatchObject({
        name: 'ConfigError',
        code: 'InvalidConfig',
      });
    }
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('says which variables to set when credentials are missing, before sending anything', async () => {
    const qf = createClient({ baseUrl: server.url, env: {} });
    const error = (await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e)) as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('QIANFAN_ACCESS_KEY');
    expect(error.message).toContain('QIANFAN_SECRET_KEY');
    expect(server.requests).toHaveLength(0);
  });

  it('never puts the secret key, the signature or the STS token in an error or its JSON', async () => {
    const qf = client({ sessionToken: 'sts-token-secret-value' });
    server.handler = (req) => ({
      status: 403,
      body: { requestId: 'r', code: 'AccessDenied', message: 'denied' },
      headers: { 'x-echo': String(req.headers['authorization']).slice(-64) },
    });
    const error = (await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e)) as ServiceError;
    const signature = String(server.requests[0]!.headers['authorization']).slice(-64);
    const shown = [error.message, error.stack ?? '', JSON.stringify(error), JSON.stringify(metadataOf(error))].join('\n');
    for (const secret of [SK, signature, 'sts-token-secret-value']) expect(shown).not.toContain(secret);
    await qf.close();
  });

  it('a printed or serialised client shows neither the secret key nor the STS token, and still signs with them', async () => {
    const qf = client({ sessionToken: 'sts-token-secret-value' });
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    expect(server.requests[0]?.authProblem).toBeNull();
    expect(server.requests[0]?.headers['x-bce-security-token']).toBe('sts-token-secret-value');
    const shown = [inspect(qf, { depth: Infinity }), inspect(qf.config), JSON.stringify(qf), JSON.stringify(qf.config), String(Object.values(qf.config))].join(
      '\n',
    );
    expect(shown).toContain(AK);
    for (const secret of [SK, 'sts-token-secret-value']) expect(shown).not.toContain(secret);
    await qf.close();
  });
});
