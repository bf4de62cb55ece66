import { describe, expect, it } from 'vitest';
import { ConfigError, createClient, ServiceError, type ErrorContext, type ResponseContext } from 'qianfan-console';
import { consoleLike, useVerifyingServer } from './support/verifying-server.js';

const AK = 'ALTAKmiddleware0123';
const SK = 'secret-key-of-the-middleware-tests';
const server = useVerifyingServer({ [AK]: SK });

function client(extra: Parameters<typeof createClient>[0] = {}) {
  return createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1, ...extra });
}

function signedHeaderNames(authorization: unknown): string[] {
  return String(authorization).split('/')[4]?.split(';') ?? [];
}

describe('client.use(middleware)', () => {
  it('a header added in onRequest is sent and, being x-bce-*, signed with the rest (the server verifies it)', async () => {
    const qf = client();
    qf.use({
      onRequest(ctx) {
        expect(ctx).toMatchObject({ route: '/v2/finetuning', action: 'DescribeFineTuningTask', body: { taskId: 'task-1' } });
        ctx.headers['X-Bce-Trace-Id'] = 'trace-42';
        ctx.headers['x-app-note'] = 'plain';
      },
    });
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    const [received] = server.requests;
    expect(received?.authProblem).toBeNull();
    expect(received?.headers['x-bce-trace-id']).toBe('trace-42');
    expect(received?.headers['x-app-note']).toBe('plain');
    expect(signedHeaderNames(received?.headers['authorization'])).toEqual(['content-type', 'host', 'x-bce-date', 'x-bce-trace-id']);
    await qf.close();
  });

  it('hooks run in the order added, may be async, and onResponse sees status, headers, result and requestId', async () => {
    const qf = client();
    const seen: string[] = [];
    let response: ResponseContext | undefined;
    qf.use({ onRequest: async () => void seen.push('first request'), onResponse: () => void seen.push('first response') });
    qf.use({
      onRequest: () => void seen.push('second request'),
      onResponse: async (ctx) => {
        response = ctx;
        seen.push('second response');
      },
    });
    server.handler = consoleLike(() => ({ runStatus: 'Done' }));
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    expect(seen).toEqual(['first request', 'second request', 'first response', 'second response']);
    expect(response).toMatchObject({
      route: '/v2/finetuning',
      action: 'DescribeFineTuningTask',
      status: 200,
      result: { runStatus: 'Done' },
      requestId: 'req-1',
    });
    expect(response?.headers['x-bce-request-id']).toBe('req-1');
    await qf.close();
  });

  it('onError is called once, after the retries, with the error the caller gets', async () => {
    const qf = client({ maxAttempts: 3 });
    const errors: ErrorContext[] = [];
    qf.use({ onError: (ctx) => void errors.push(ctx) });
    // Retry-After: 0 keeps the backoff at nothing, so the test waits for no timer.
    server.handler = () => ({
      status: 503,
      headers: { 'x-bce-request-id': 'req-busy', 'retry-after': '0' },
      body: { requestId: 'req-busy', code: 'ServiceUnavailable', message: 'busy' },
    });
    const error = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' }).catch((e: unknown) => e);
    expect(server.requests).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBe(error);
    expect(error).toBeInstanceOf(ServiceError);
    expect(errors[0]).toMatchObject({ route: '/v2/finetuning', action: 'DescribeFineTuningTask' });
    await qf.close();
  });

  it('a throwing onRequest fails the call with its own error and sends nothing', async () => {
    const qf = client();
    const refusal = new Error('not on a Sunday');
    qf.use({ onRequest: () => Promise.reject(refusal) });
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' })).rejects.toBe(refusal);
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('refuses a header the signature is made of, and the remover takes middleware out', async () => {
    const qf = client();
    const remove = qf.use({ onRequest: (ctx) => void (ctx.headers['x-bce-date'] = '2020-01-01T00:00:00Z') });
    const error = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('x-bce-date');
    expect(server.requests).toHaveLength(0);
    remove();
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    expect(server.requests[0]?.authProblem).toBeNull();
    await qf.close();
  });
});
