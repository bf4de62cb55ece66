import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callAction, createClient, resetDefaultClient, ServiceError, ValidationError } from 'qianfan-console';
import { mockClient, qianfanMatchers } from 'qianfan-console/testing';
import { useVerifyingServer } from './support/verifying-server.js';

declare module 'vitest' {
  interface Assertion {
    toHaveReceivedAction(route: string, action: string, body?: Record<string, unknown>): void;
  }
}

const AK = 'ALTAKstubs000000001';
const SK = 'secret-key-of-the-stub-tests-0123';
const server = useVerifyingServer({ [AK]: SK });

beforeAll(() => {
  expect.extend(qianfanMatchers);
});

/** A client with no credentials at all, pointed at the verifying server: anything it sent would show there. */
function keylessClient() {
  return createClient({ env: {}, baseUrl: server.url, maxAttempts: 1 });
}

describe('qianfan-console/testing: mockClient', () => {
  it('answers stubbed calls without signing or sending anything, and lists them', async () => {
    const qf = keylessClient();
    const stub = mockClient(qf);
    stub.on('finetuning', 'DescribeFineTuningTask').resolves({ taskId: 'task-1', runStatus: 'Done' });
    stub.on('/v2/finetuning', 'CreateFineTuningJob', { name: 'nightly' }).resolves({ jobId: 'job-nightly' });
    const task = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    expect(task.result).toEqual({ taskId: 'task-1', runStatus: 'Done' });
    const job = await qf.callAction('finetuning', 'CreateFineTuningJob', { name: 'nightly', model: 'ERNIE-Speed-8K', trainMode: 'SFT' });
    expect(job.result.jobId).toBe('job-nightly');
    expect(stub.calls()).toEqual([
      { route: '/v2/finetuning', action: 'DescribeFineTuningTask', body: { taskId: 'task-1' } },
      { route: '/v2/finetuning', action: 'CreateFineTuningJob', body: { name: 'nightly', model: 'ERNIE-Speed-8K', trainMode: 'SFT' } },
    ]);
    expect(stub).toHaveReceivedAction('finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    expect(stub).not.toHaveReceivedAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-2' });
    expect(stub).not.toHaveReceivedAction('/v2/finetuning', 'StopFineTuningTask');
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('still validates bodies: a bad body is refused before any stub answers', async () => {
    const qf = keylessClient();
    const stub = mockClient(qf);
    stub.on('finetuning', 'CreateFineTuningJob').resolves({ jobId: 'job-1' });
    await expect(qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'x', model: 'm' } as never)).rejects.toBeInstanceOf(ValidationError);
    expect(stub.calls()).toEqual([]);
  });

  it("refuses a stubbed result that breaks the action's result schema, from resolves() and from a fake", async () => {
    const qf = keylessClient();
    const stub = mockClient(qf);
    expect(() => stub.on('finetuning', 'DescribeFineTuningTask').resolves({ taskId: 42 })).toThrow(
      /DescribeFineTuningTask breaks its descriptor's result schema:\n {2}- \$\.result\.taskId: must be string/,
    );
    stub.on('finetuning', 'DescribeFineTuningTask').callsFake(() => ({ jobId: ['not', 'a', 'string'] }));
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' })).rejects.toThrow(/\$\.result\.jobId: must be string/);
  });

  it('rejects with the ServiceError the console would give, and a fake sees the body', async () => {
    const qf = keylessClient();
    const stub = mockClient(qf);
    stub.on('finetuning', 'DescribeFineTuningTask').rejects({ code: 'ResourceNotFound', httpStatus: 404, message: 'no such task' });
    stub
      .on('finetuning', 'DescribeFineTuningTask', (body) => body['taskId'] === 'task-live')
      .callsFake(async (body) => ({ taskId: body['taskId'], runStatus: 'Running' }));
    const error = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-gone' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({
      code: 'ResourceNotFound',
      httpStatus: 404,
      message: 'no such task',
      action: 'DescribeFineTuningTask',
      route: '/v2/finetuning',
    });
    const live = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-live' });
    expect(live.result).toEqual({ taskId: 'task-live', runStatus: 'Running' });
    expect(stub.calls().map((c) => c.body['taskId'])).toEqual(['task-gone', 'task-live']);
  });

  it('a call no stub answers fails and sends nothing; reset forgets, restore puts the network back', async () => {
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1 });
    const stub = mockClient(qf);
    stub.on('finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' }).resolves({ runStatus: 'Done' });
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-2' })).rejects.toThrow(
      /no stub answers DescribeFineTuningTask \(\/v2\/finetuning\) with this body; nothing was sent/,
    );
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    stub.reset();
    expect(stub.calls()).toEqual([]);
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' })).rejects.toThrow(/Stubbed: nothing/);
    expect(server.requests).toHaveLength(0);
    stub.restore();
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    expect(server.requests).toHaveLength(1);
    await qf.close();
  });

  describe('with the default client', () => {
    afterEach(() => resetDefaultClient());

    it('mockClient() stubs the bare callAction', async () => {
      const stub = mockClient();
      stub.on('finetuning', 'StopFineTuningTask').resolves(true);
      const stopped = await callAction('/v2/finetuning', 'StopFineTuningTask', { taskId: 'task-1' });
      expect(stopped.result).toBe(true);
      expect(stub).toHaveReceivedAction('finetuning', 'StopFineTuningTask');
    });
  });

  it('the matcher explains a miss with the calls received', () => {
    const qf = keylessClient();
    const stub = mockClient(qf);
    const outcome = qianfanMatchers.toHaveReceivedAction.call({}, stub, 'finetuning', 'StopFineTuningTask');
    expect(outcome.pass).toBe(false);
    expect(outcome.message()).toBe('expected the stub to have received StopFineTuningTask (/v2/finetuning); it received:\n  no calls');
  });
});
