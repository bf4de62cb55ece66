/**
 * The fault suite: the same scenarios through both transports, against a real loopback server that
 * misbehaves on cue. Retry delays are kept short with a test policy; nothing here measures speed.
 */
import { createServer, type AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { AbortError, createClient, metadataOf, NetworkError, ResponseError, ServiceError, TimeoutError, type Logger, type RetryPolicy } from 'qianfan-console';
import { consoleLike, useVerifyingServer, verifySignature, type Reply } from './support/verifying-server.js';

const AK = 'ALTAKfaults';
const SK = 'faults-secret-key-never-shown';

/** The shipped policy with waits short enough for tests. */
const FAST: RetryPolicy = {
  maxAttempts: 3,
  backoff: { baseMs: 5, throttleBaseMs: 5, capMs: 20 },
  retryAfter: { maxMs: 2_000 },
  throttle: { httpStatus: [429], codes: ['RequestLimitExceeded'], legacyCodes: [4, 18, 336100, 336501, 336502] },
  transient: { httpStatus: [500, 502, 503, 504], codes: ['InternalError'], legacyCodes: [2, 336000, 500000] },
  clockSkew: { codes: ['RequestExpired'] },
  network: {
    notSent: ['ECONNREFUSED', 'ENOTFOUND', 'ConnectTimeout', 'UND_ERR_CONNECT_TIMEOUT'],
    ambiguous: ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'RequestTimeout', 'TruncatedResponse'],
  },
};

const ok = consoleLike(() => true);
const server = useVerifyingServer({ [AK]: SK }, ok);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Answers the given replies in turn, then the console's usual success. */
function script(...replies: Reply[]): void {
  let i = 0;
  server.handler = (req) => (i < replies.length ? replies[i++]! : ok(req));
}

/** A logger that keeps the client's debug lines, and says when one containing some text is written. */
function debugLines(): Logger & { lines: string[]; seen(text: string): Promise<void> } {
  const lines: string[] = [];
  const watchers: Array<{ text: string; resolve: () => void }> = [];
  return {
    lines,
    debug(line) {
      lines.push(line);
      for (const watcher of watchers) if (line.includes(watcher.text)) watcher.resolve();
    },
    warn: () => undefined,
    seen: (text) => (lines.some((line) => line.includes(text)) ? Promise.resolve() : new Promise((resolve) => watchers.push({ text, resolve }))),
  };
}

/**
 * When each request left the client: its debug line is written as the request is signed, past the
 * client's limits. Timed there rather than at the server, whose arrival times also carry the
 * network's jitter (a request on a new connection arrives later than one on an open connection).
 */
function sendTimes(): Logger & { times: number[] } {
  const times: number[] = [];
  return { times, debug: (line) => void (line.startsWith('→ POST') && times.push(Date.now())), warn: () => undefined };
}

/** The request for taskId "first" gets no answer until release(); every other is answered at once. */
function holdFirst(): { release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  server.handler = async (req) => {
    if (req.body.includes('first')) await released;
    return ok(req);
  };
  return { release };
}

const taskIds = (): string[] => server.requests.map((r) => (JSON.parse(r.body) as { taskId: string }).taskId);

const throttled: Reply = { status: 429, body: { requestId: 'r429', code: 'RequestLimitExceeded', message: 'slow down' } };
const unavailable: Reply = { status: 503, body: { requestId: 'r503', code: 'ServiceUnavailable', message: 'try later' } };

describe.each(['undici', 'fetch'] as const)('faults over the %s transport', (transport) => {
  const client = (extra: Parameters<typeof createClient>[0] = {}) =>
    createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, transport, retryPolicy: FAST, ...extra });

  it('429 then success: retried, and the metadata says so', async () => {
    script(throttled);
    const qf = client();
    const res = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    expect(res.result).toBe(true);
    expect(server.requests).toHaveLength(2);
    expect(metadataOf(res)).toMatchObject({ attempts: 2, httpStatus: 200, requestId: 'req-1' });
    await qf.close();
  });

  it('5xx until attempts run out: the last error, after maxAttempts requests', async () => {
    script(unavailable, unavailable, unavailable, unavailable);
    const qf = client();
    const error = (await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e)) as ServiceError;
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.httpStatus).toBe(503);
    expect(server.requests).toHaveLength(3);
    expect(metadataOf(error)?.attempts).toBe(3);
    expect(metadataOf(error)?.failure).toBe('transient');
    // A throttle and a refusal are classed too; a result has no failure.
    script(throttled);
    expect(
      metadataOf(await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, { maxAttempts: 1 }).catch((e: unknown) => e))?.failure,
    ).toBe('throttle');
    script({ status: 404, body: { requestId: 'r404', code: 'ResourceNotFound', message: 'no such task' } });
    expect(metadataOf(await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e))?.failure).toBe('final');
    expect(metadataOf(await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }))?.failure).toBeUndefined();
    await qf.close();
  });

  it('maxAttempts: 1 disables retries, on the client or per call', async () => {
    script(unavailable, unavailable);
    const qf = client({ maxAttempts: 1 });
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' })).rejects.toBeInstanceOf(ServiceError);
    expect(server.requests).toHaveLength(1);
    const other = client();
    await expect(other.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, { maxAttempts: 1 })).rejects.toBeInstanceOf(ServiceError);
    expect(server.requests).toHaveLength(2);
    await Promise.all([qf.close(), other.close()]);
  });

  it('a legacy throttle code in a 200 body is retried', async () => {
    script({ status: 200, body: { error_code: 18, error_msg: 'Open api qps request limit reached' } });
    const qf = client();
    const res = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    expect(res.result).toBe(true);
    expect(server.requests).toHaveLength(2);
    await qf.close();
  });

  it('Retry-After is honoured, within the policy bound', async () => {
    // Waits of a few milliseconds: the policy's backoff would give at most 5 ms for a first throttle.
    script({ ...throttled, headers: { 'retry-after-ms': '12' } });
    const qf = client();
    const res = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    expect(metadataOf(res)?.totalRetryDelayMs).toBe(12);
    await qf.close();
    // An hour asked for: the policy's bound (here 15 ms) is waited instead.
    script({ ...throttled, headers: { 'retry-after': '3600' } });
    const bounded = client({ retryPolicy: { ...FAST, retryAfter: { maxMs: 15 } } });
    const capped = await bounded.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, { deadlineMs: 10_000 });
    expect(metadataOf(capped)?.totalRetryDelayMs).toBe(15);
    expect(server.requests).toHaveLength(4);
    await bounded.close();
  });

  it('a server that never answers: TimeoutError after timeoutMs, retried for an idempotent action', async () => {
    script({ hang: true }, { hang: true }, { hang: true });
    const qf = client();
    const error = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, { timeoutMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).code).toBe('RequestTimeout');
    expect(server.requests).toHaveLength(3);
    await qf.close();
  });

  it('a connection reset: NetworkError, retried for an idempotent action', async () => {
    script({ reset: true });
    const qf = client();
    const res = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    expect(res.result).toBe(true);
    expect(server.requests).toHaveLength(2);
    script({ reset: true }, { reset: true }, { reset: true });
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' })).rejects.toBeInstanceOf(NetworkError);
    await qf.close();
  });

  it('a non-idempotent Create after an ambiguous timeout is sent exactly once', async () => {
    script({ hang: true });
    const qf = client();
    const error = await qf
      .callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'job1', model: 'ERNIE-Speed-8K', trainMode: 'SFT' }, { timeoutMs: 150 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.requests).toHaveLength(1);
    expect(metadataOf(error)?.attempts).toBe(1);
    await qf.close();
  });

  it('a non-idempotent Create after a dropped connection is sent exactly once', async () => {
    script({ reset: true });
    const qf = client();
    await expect(qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'job1', model: 'ERNIE-Speed-8K', trainMode: 'SFT' })).rejects.toBeInstanceOf(
      NetworkError,
    );
    expect(server.requests).toHaveLength(1);
    await qf.close();
  });

  it('a non-idempotent Create after a 429 is retried, and after a 503 is not', async () => {
    const qf = client();
    script(throttled);
    const res = await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'job1', model: 'ERNIE-Speed-8K', trainMode: 'SFT' });
    expect(res.result).toBe(true);
    expect(server.requests).toHaveLength(2);
    server.requests.length = 0;
    script(unavailable);
    await expect(qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'job1', model: 'ERNIE-Speed-8K', trainMode: 'SFT' })).rejects.toBeInstanceOf(
      ServiceError,
    );
    expect(server.requests).toHaveLength(1);
    await qf.close();
  });

  it('connection refused before sending: retried even for a Create', async () => {
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: `http://127.0.0.1:${await closedPort()}`, transport, retryPolicy: FAST });
    const error = await qf
      .callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'job1', model: 'ERNIE-Speed-8K', trainMode: 'SFT' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).code).toBe('ECONNREFUSED');
    expect(metadataOf(error)?.attempts).toBe(3);
    await qf.close();
  });

  it('abort mid-request rejects at once with AbortError and sends nothing more', async () => {
    script({ hang: true });
    const log = debugLines();
    const qf = client({ logger: log });
    const controller = new AbortController();
    const pending = qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, { signal: controller.signal, timeoutMs: 30_000 });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as Error).name).toBe('AbortError');
    // No retry was decided or attempted: one request line, no failure line.
    expect(log.lines.filter((line) => line.startsWith('→ POST'))).toHaveLength(1);
    expect(log.lines.filter((line) => line.startsWith('✗'))).toEqual([]);
    expect(server.requests).toHaveLength(1);
    await qf.close();
  });

  it('abort mid-backoff ends the wait at once and nothing is sent after the abort', async () => {
    // A wait longer than the test's timeout: only the abort can end it.
    const waitMs = 60_000;
    script({ ...throttled, headers: { 'retry-after-ms': String(waitMs) } });
    const log = debugLines();
    const qf = client({ logger: log, retryPolicy: { ...FAST, retryAfter: { maxMs: waitMs } } });
    const controller = new AbortController();
    const pending = qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, { signal: controller.signal }).catch((e: unknown) => e);
    await log.seen(`retrying in ${waitMs} ms`);
    // The line is written just before the wait starts; abort once it has.
    setImmediate(() => controller.abort());
    const error = await pending;
    expect(error).toBeInstanceOf(AbortError);
    expect(metadataOf(error)).toMatchObject({ attempts: 1, totalRetryDelayMs: waitMs });
    expect(metadataOf(error)!.durationMs).toBeLessThan(waitMs);
    expect(server.requests).toHaveLength(1);
    expect(log.lines.filter((line) => line.startsWith('→ POST'))).toHaveLength(1);
    await qf.close();
  });

  it("the client's signal aborts every call in flight, with no listener-leak warning however many share it", async () => {
    server.handler = () => ({ hang: true });
    const controller = new AbortController();
    const qf = client({ signal: controller.signal });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const pending = Array.from({ length: 20 }, () =>
        qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, { timeoutMs: 30_000 }).catch((e: unknown) => e),
      );
      await vi.waitFor(() => expect(server.requests).toHaveLength(20));
      controller.abort();
      const errors = await Promise.all(pending);
      expect(errors.map((e) => (e as Error).name)).toEqual(Array(20).fill('AbortError'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await qf.close();
    }
  });

  it('a call still waiting for a connection is aborted at once, and never sent', async () => {
    const first = holdFirst();
    const qf = client({ maxSockets: 1, maxAttempts: 1 });
    const answered = qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'first' }, { timeoutMs: 30_000 });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    const controller = new AbortController();
    const second = qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'second' }, { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort();
    // Refused while the connection it waited for is still busy: the first is held until released.
    expect(await second).toBeInstanceOf(AbortError);
    first.release();
    expect((await answered).result).toBe(true);
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'third' });
    expect(taskIds()).toEqual(['first', 'third']);
    await qf.close();
  });

  it('an already aborted signal sends nothing', async () => {
    const qf = client();
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      AbortError,
    );
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('deadlineMs bounds the whole call across attempts', async () => {
    script({ hang: true }, { hang: true }, { hang: true });
    const qf = client();
    const error = (await qf
      .callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }, { timeoutMs: 10_000, deadlineMs: 200 })
      .catch((e: unknown) => e)) as TimeoutError;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(server.requests.length).toBeLessThan(3);
    await qf.close();
  });

  it('RequestExpired from a server whose clock is two hours ahead: re-signed once with its time, and kept for later calls', async () => {
    const skewMs = 2 * 3600_000;
    server.handler = (req) => {
      const serverNow = Date.now() + skewMs;
      const problem = verifySignature(req.method, req.rawUrl, req.headers, { [AK]: SK }, serverNow);
      const date = new Date(serverNow).toUTCString();
      if (problem === 'expired')
        return { status: 400, headers: { date }, body: { requestId: 'rx', code: 'RequestExpired', message: 'timestamp out of range' } };
      return problem
        ? { status: 403, body: { requestId: 'r', code: 'SignatureDoesNotMatch', message: problem } }
        : { status: 200, headers: { date }, body: { requestId: 'r2', result: true } };
    };
    const qf = client();
    const first = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    expect(first.result).toBe(true);
    expect(metadataOf(first)?.attempts).toBe(2);
    expect(qf.clockOffsetMs).toBeGreaterThan(skewMs - 5_000);
    const second = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    expect(metadataOf(second)?.attempts).toBe(1);
    await qf.close();
  });

  it('a non-JSON 502 is a ServiceError, retried, then reported with the page text', async () => {
    script(
      { status: 502, raw: '<html>Bad Gateway</html>' },
      { status: 502, raw: '<html>Bad Gateway</html>' },
      { status: 502, raw: '<html>Bad Gateway</html>' },
    );
    const qf = client();
    const error = (await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e)) as ServiceError;
    expect(error).toMatchObject({ name: 'ServiceError', code: 'HTTP502', httpStatus: 502 });
    expect(error.message).toContain('Bad Gateway');
    expect(server.requests).toHaveLength(3);
    await qf.close();
  });

  it('a truncated body is a ResponseError, retried for an idempotent action only', async () => {
    script({ truncate: true, body: { requestId: 'r', result: true } });
    const qf = client();
    const res = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    expect(res.result).toBe(true);
    expect(server.requests).toHaveLength(2);
    server.requests.length = 0;
    script({ truncate: true, body: { requestId: 'r', result: { jobId: 'job-1' } } });
    const error = await qf
      .callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'job1', model: 'ERNIE-Speed-8K', trainMode: 'SFT' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as ResponseError).code).toBe('TruncatedResponse');
    expect(server.requests).toHaveLength(1);
    await qf.close();
  });

  it('a response larger than maxResponseBytes is refused, streamed (chunked) or of declared length', async () => {
    const big = JSON.stringify({ requestId: 'r', result: 'x'.repeat(10_000) });
    script({ status: 200, raw: big }, { status: 200, raw: big, headers: { 'content-length': String(Buffer.byteLength(big)) } });
    const qf = client({ maxResponseBytes: 1_000, maxAttempts: 1 });
    for (let i = 0; i < 2; i++) {
      await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' })).rejects.toMatchObject({
        name: 'ResponseError',
        code: 'ResponseTooLarge',
      });
    }
    // Both limits hold exactly: an answer of the limit's size is read.
    const fits = JSON.stringify({ requestId: 'r', result: 'x'.repeat(1_000 - 29) });
    expect(Buffer.byteLength(fits)).toBe(1_000);
    script({ status: 200, raw: fits }, { status: 200, raw: fits, headers: { 'content-length': '1000' } });
    for (let i = 0; i < 2; i++) expect((await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' })).result).toHaveLength(1_000 - 29);
    await qf.close();
  });
});

describe('the retry budget', () => {
  const budgeted = (quota: RetryPolicy['quota']) =>
    createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, retryPolicy: { ...FAST, maxAttempts: 5, quota } });

  it('an outage spends it: retries stop when it cannot pay, and successes earn it back', async () => {
    server.handler = () => unavailable;
    const qf = budgeted({ capacity: 10, retryCost: 5, timeoutRetryCost: 10, successRefill: 1 });
    const first = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e);
    // 10 tokens pay two retries of 5: three attempts, though maxAttempts is 5.
    expect(metadataOf(first)?.attempts).toBe(3);
    const second = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e);
    expect(second).toMatchObject({ name: 'ServiceError', code: 'ServiceUnavailable' });
    expect(metadataOf(second)?.attempts).toBe(1);
    expect(server.requests).toHaveLength(4);
    // Five successes without retries earn 5 tokens: one retry again.
    server.handler = ok;
    for (let i = 0; i < 5; i++) await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    script(unavailable);
    const healed = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    expect(metadataOf(healed)?.attempts).toBe(2);
    await qf.close();
  });

  it('the shipped policy budgets 500 tokens: 5 a retry, 10 after a timeout, 1 back per plain success', () => {
    expect(createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url }).retryPolicy.quota).toEqual({
      capacity: 500,
      retryCost: 5,
      timeoutRetryCost: 10,
      successRefill: 1,
    });
  });

  it('a policy without a quota sets no limit; a malformed quota is refused', async () => {
    server.handler = () => unavailable;
    const qf = budgeted(undefined);
    for (let i = 0; i < 3; i++)
      expect(metadataOf(await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e))?.attempts).toBe(5);
    await qf.close();
    expect(() => budgeted({ capacity: -1, retryCost: 5, timeoutRetryCost: 10, successRefill: 1 }).retryPolicy).toThrow(
      'the retryPolicy option: invalid retry policy: $.quota.capacity must be >= 0',
    );
  });
});

describe('client-side limits', () => {
  it('timeoutMs bounds the wait for a free connection: refused in time, and never sent', async () => {
    const first = holdFirst();
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxSockets: 1, maxAttempts: 1 });
    const answered = qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'first' }, { timeoutMs: 30_000 });
    await vi.waitFor(() => expect(server.requests).toHaveLength(1));
    const second = qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'second' }, { timeoutMs: 100 }).catch((e: unknown) => e);
    // Refused while the first still holds the connection (it is held until released).
    expect(await second).toMatchObject({ name: 'TimeoutError', code: 'ConnectionWaitTimeout' });
    first.release();
    expect((await answered).result).toBe(true);
    // A wait that ends in time costs nothing: queued calls go out once the connection is free, and
    // after them nothing of the refused one.
    const results = await Promise.all(
      [1, 2, 3].map((n) => qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: `t${n}` }, { timeoutMs: 5_000 })),
    );
    expect(results.map((r) => r.result)).toEqual([true, true, true]);
    expect(taskIds()).toEqual(['first', 't1', 't2', 't3']);
    await qf.close();
  });

  it('maxConcurrency bounds the calls in flight across the client', async () => {
    let inFlight = 0;
    let peak = 0;
    server.handler = async (req) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 30));
      inFlight--;
      return ok(req);
    };
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxConcurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: `t${i}` })));
    expect(server.requests).toHaveLength(8);
    expect(peak).toBe(2);
    await qf.close();
  });

  it('qps spaces the requests of all calls of a client', async () => {
    const sent = sendTimes();
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, qps: 20, logger: sent });
    // A first call loads what a first call loads, which would delay the first request and shorten
    // the span measured below.
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'warm-up' });
    sent.times.length = 0;
    const start = Date.now();
    await Promise.all(Array.from({ length: 5 }, (_, i) => qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: `t${i}` })));
    expect(server.requests).toHaveLength(6);
    // Five requests at 20 per second: the first goes no earlier than the calls were made, the fifth
    // four intervals of 50 ms after it. Measured from the start, so that a busy event loop, which
    // can only log a request late, never shortens the span (5 ms: Date.now against the limiter's clock).
    expect(sent.times[4]! - start).toBeGreaterThanOrEqual(195);
    await qf.close();
  });

  it('QIANFAN_QPS_LIMIT sets the rate from the environment', async () => {
    const sent = sendTimes();
    const qf = createClient({ baseUrl: server.url, logger: sent, env: { QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK, QIANFAN_QPS_LIMIT: '10' } });
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'warm-up' });
    sent.times.length = 0;
    const start = Date.now();
    await Promise.all(Array.from({ length: 3 }, (_, i) => qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: `t${i}` })));
    expect(server.requests).toHaveLength(4);
    // Three at 10 per second: the third two intervals of 100 ms after the first (see above).
    expect(sent.times[2]! - start).toBeGreaterThanOrEqual(195);
    await qf.close();
  });

  it('after a throttle, the other calls of the client hold back too', async () => {
    const arrivals: Array<{ at: number; taskId: string }> = [];
    let throttledOnce = false;
    server.handler = (req) => {
      const taskId = (JSON.parse(req.body) as { taskId: string }).taskId;
      arrivals.push({ at: Date.now(), taskId });
      if (!throttledOnce) {
        throttledOnce = true;
        return { ...throttled, headers: { 'retry-after-ms': '300' } };
      }
      return ok(req);
    };
    const log = debugLines();
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, retryPolicy: FAST, logger: log });
    const first = qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'a' });
    // The client has read the throttle (and paused) once it says it will retry.
    await log.seen('retrying in 300 ms');
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'b' });
    await first;
    const throttledAt = arrivals[0]!.at;
    const b = arrivals.find((a) => a.taskId === 'b')!;
    expect(b.at - throttledAt).toBeGreaterThanOrEqual(280);
    await qf.close();
  });
});
