/**
 * The fetch transport under nock, as users whose suites mock HTTP will run it
 * (nock sees the global fetch, not undici's own sockets).
 */
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, metadataOf, NetworkError, type ServiceError } from 'qianfan-console';

const BASE = 'https://qianfan.baidubce.com';
/** nock 14 mishandles a plain object here under fetch; an Error carrying the code works. */
const connectionReset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const fast = { backoff: { baseMs: 1, throttleBaseMs: 1, capMs: 5 } };

// A vitest worker runs other files after this one in the same process (isolate: false): nock's
// interception of fetch and node:http is switched on for this file only.
beforeAll(() => {
  if (!nock.isActive()) nock.activate();
  nock.disableNetConnect();
});
afterEach(() => nock.cleanAll());
afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

async function fastClient() {
  const probe = createClient({ accessKey: 'ak', secretKey: 'sk' });
  const policy = { ...probe.retryPolicy, ...fast };
  await probe.close();
  return createClient({ accessKey: 'ALTAKnock', secretKey: 'nock-secret', transport: 'fetch', retryPolicy: policy });
}

describe('fetch transport under nock', () => {
  it('sends a signed POST that nock can match, and returns {requestId, result}', async () => {
    const scope = nock(BASE, {
      reqheaders: { authorization: /^bce-auth-v1\/ALTAKnock\/.+\/1800\/content-type;host;x-bce-date\/[0-9a-f]{64}$/, 'content-type': 'application/json' },
    })
      .post('/v2/finetuning', { jobId: 'job-1' })
      .query({ Action: 'DeleteFineTuningJob' })
      .reply(200, { requestId: 'n-1', result: true });
    const qf = await fastClient();
    expect(await qf.callAction('/v2/finetuning', 'DeleteFineTuningJob', { jobId: 'job-1' })).toEqual({ requestId: 'n-1', result: true });
    expect(scope.isDone()).toBe(true);
  });

  it('429 then success is retried', async () => {
    const scope = nock(BASE)
      .post('/v2/finetuning')
      .query(true)
      .reply(429, { requestId: 'a', code: 'RequestLimitExceeded', message: 'slow down' })
      .post('/v2/finetuning')
      .query(true)
      .reply(200, { requestId: 'b', result: { jobId: 'job-2' } });
    const qf = await fastClient();
    const res = await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'job2', model: 'ERNIE-Speed-8K', trainMode: 'SFT' });
    expect(res.result).toEqual({ jobId: 'job-2' });
    expect(metadataOf(res)?.attempts).toBe(2);
    expect(scope.isDone()).toBe(true);
  });

  it('a connection reset retries an idempotent action, but not a Create', async () => {
    nock(BASE)
      .post('/v2/finetuning')
      .query(true)
      .replyWithError(connectionReset())
      .post('/v2/finetuning')
      .query(true)
      .reply(200, { requestId: 'c', result: true });
    const qf = await fastClient();
    expect((await qf.callAction('/v2/finetuning', 'StopFineTuningTask', { taskId: 't' })).result).toBe(true);
    const create = nock(BASE)
      .post('/v2/finetuning')
      .query(true)
      .replyWithError(connectionReset())
      .post('/v2/finetuning')
      .query(true)
      .reply(200, { requestId: 'd', result: {} });
    const error = await qf
      .callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'job3', model: 'ERNIE-Speed-8K', trainMode: 'SFT' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('ECONNRESET');
    expect(create.pendingMocks()).toHaveLength(1);
  });

  it('a throttle code in a 200 body is retried; other legacy codes are final', async () => {
    nock(BASE)
      .post('/v2/finetuning')
      .query(true)
      .reply(200, { error_code: 336100, error_msg: 'server high load' })
      .post('/v2/finetuning')
      .query(true)
      .reply(200, { requestId: 'e', result: true })
      .post('/v2/finetuning')
      .query(true)
      .reply(200, { error_code: 500001, error_msg: 'param invalid' });
    const qf = await fastClient();
    expect((await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' })).result).toBe(true);
    const error = (await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e)) as ServiceError;
    expect(error).toMatchObject({ name: 'ServiceError', code: '500001', shape: 'legacy' });
    expect(metadataOf(error)?.attempts).toBe(1);
  });
});
