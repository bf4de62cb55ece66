/**
 * Faults on demand: each kind as our client sees it on the wire, for the next N calls and for a
 * fraction of calls (applied deterministically, so nothing here depends on chance), from code and
 * from the command-line syntax.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, NetworkError, ResponseError, ServiceError, startEmulator, TimeoutError, type Emulator, type QianfanClient } from 'qianfan-console';
import { expectDate, send } from './support/emulator-wire.js';

const ROUTE = '/v2/finetuning';
let emulator: Emulator;
let qf: QianfanClient;

beforeAll(async () => {
  emulator = await startEmulator({ env: {} });
  qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url, maxAttempts: 1 });
});
afterEach(() => {
  emulator.faults.clear();
  emulator.reset();
});
afterAll(async () => {
  await qf.close();
  await emulator.close();
});

const listJobs = () => qf.callAction(ROUTE, 'DescribeFineTuningJobs', {});
const outcome = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => 'ok',
    (e: unknown) => e,
  );

describe('what the emulator received', () => {
  it('remembers each authenticated call, faulted ones included, until reset', async () => {
    await qf.callAction(ROUTE, 'CreateFineTuningJob', { name: 'ab', model: 'm', trainMode: 'SFT' });
    emulator.faults.inject('DescribeFineTuningJobs:503x1');
    await outcome(listJobs());
    expect(emulator.calls.map(({ route, action, body }) => ({ route, action, body }))).toEqual([
      { route: ROUTE, action: 'CreateFineTuningJob', body: { name: 'ab', model: 'm', trainMode: 'SFT' } },
      { route: ROUTE, action: 'DescribeFineTuningJobs', body: {} },
    ]);
    expect(emulator.calls.every((c) => typeof c.at === 'number')).toBe(true);
    emulator.reset();
    expect(emulator.calls).toEqual([]);
  });
});

describe('fault kinds', () => {
  it('HTTP 429, in the console shape, and the call is not carried out', async () => {
    emulator.faults.inject({ action: 'CreateFineTuningJob', fault: { type: 'status', status: 429 }, times: 1 });
    const error = await outcome(qf.callAction(ROUTE, 'CreateFineTuningJob', { name: 'ab', model: 'm', trainMode: 'SFT' }));
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ httpStatus: 429, code: 'RequestLimitExceeded', shape: 'v2' });
    expect((await listJobs()).result.jobList).toEqual([]);
  });

  it.each([18, 336100, 336501, 336502, 500000] as const)('legacy error_code %i in a 200 body', async (code) => {
    emulator.faults.inject({ fault: { type: 'legacy', code }, times: 1 });
    const raw = await send(emulator);
    expect(raw.status).toBe(200);
    expect(raw.json).toMatchObject({ error_code: code, error_msg: expect.any(String) });
    expectDate(raw.headers);
    emulator.faults.inject({ fault: { type: 'legacy', code }, times: 1 });
    expect(await outcome(listJobs())).toMatchObject({ httpStatus: 200, code: String(code), shape: 'legacy' });
  });

  it.each([500, 502, 503, 504])('HTTP %i', async (status) => {
    emulator.faults.inject(`DescribeFineTuningJobs:${status}x1`);
    const error = await outcome(listJobs());
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ httpStatus: status, shape: 'v2' });
  });

  it('any 4xx or 5xx with the error code a test needs, from code or from the command-line syntax', async () => {
    emulator.faults.inject('DescribeFineTuningJobs:403/AccessDeniedx1');
    expect(await outcome(listJobs())).toMatchObject({ name: 'ServiceError', httpStatus: 403, code: 'AccessDenied', shape: 'v2' });
    emulator.faults.inject({
      action: 'finetuning/*',
      fault: { type: 'status', status: 400, code: 'InvalidParam', message: 'param[taskId] invalid.' },
      times: 1,
    });
    expect(await outcome(listJobs())).toMatchObject({ httpStatus: 400, code: 'InvalidParam', message: 'InvalidParam: param[taskId] invalid.' });
    emulator.faults.inject('DescribeFineTuningJobs:404x1');
    expect(await outcome(listJobs())).toMatchObject({ httpStatus: 404, code: 'ResourceNotFound' });
    expect((await listJobs()).result.jobList).toEqual([]);
    expect(() => emulator.faults.inject({ fault: { type: 'status', status: 302 } })).toThrow('status 302 is not an HTTP error status (400…599)');
    expect(() => emulator.faults.inject('DescribeFineTuningJobs:403/')).toThrow('not a fault spec');
  });

  it('a delay holds the answer back, then answers as usual', async () => {
    // Held back: a call that will not wait as long times out.
    emulator.faults.inject('*:delay-2000x1');
    expect(await outcome(qf.callAction(ROUTE, 'DescribeFineTuningJobs', {}, { timeoutMs: 100 }))).toBeInstanceOf(TimeoutError);
    emulator.faults.inject('*:delay-20x1');
    expect((await listJobs()).result.jobList).toEqual([]);
  });

  it('a dropped connection: no answer at all', async () => {
    emulator.faults.inject('DescribeFineTuningJobs:dropx1');
    expect(await outcome(listJobs())).toBeInstanceOf(NetworkError);
    expect((await listJobs()).result.jobList).toEqual([]);
  });

  it('a malformed body: 200 that is not JSON', async () => {
    emulator.faults.inject('DescribeFineTuningJobs:malformedx1');
    expect(await outcome(listJobs())).toMatchObject({ code: 'MalformedResponse' });
    emulator.faults.inject('DescribeFineTuningJobs:malformedx1');
    expect(await outcome(listJobs())).toBeInstanceOf(ResponseError);
  });
});

describe('how many calls', () => {
  it('xN: exactly the next N matching calls fail', async () => {
    emulator.faults.inject('DescribeFineTuningJobs:503x3');
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await outcome(listJobs()));
    expect(results.map((r) => (r === 'ok' ? 'ok' : (r as ServiceError).httpStatus))).toEqual([503, 503, 503, 'ok', 'ok']);
  });

  it('@fraction: that share of the calls fails, spread evenly', async () => {
    emulator.faults.inject('*:429@0.5');
    const results = [];
    for (let i = 0; i < 10; i++) results.push((await outcome(listJobs())) === 'ok');
    expect(results).toEqual([true, false, true, false, true, false, true, false, true, false]);
    emulator.faults.clear();
    emulator.faults.inject({ fault: { type: 'status', status: 500 }, fraction: 0.25, times: 2 });
    const quarter = [];
    for (let i = 0; i < 12; i++) quarter.push((await outcome(listJobs())) === 'ok');
    expect(quarter.filter((ok) => !ok)).toHaveLength(2);
    expect(quarter.slice(0, 4)).toEqual([true, true, true, false]);
  });

  it('targets one action, an area, or everything; clear() ends every fault', async () => {
    emulator.faults.inject('finetuning/CreateFineTuningJob:500');
    expect(await outcome(listJobs())).toBe('ok');
    emulator.faults.inject('finetuning/*:503');
    expect(await outcome(listJobs())).toMatchObject({ httpStatus: 503 });
    emulator.faults.clear();
    expect(await outcome(listJobs())).toBe('ok');
  });

  it('refuses a spec it cannot read, quoting the syntax', () => {
    for (const bad of ['DescribeFineTuningJobs', '*:302', '*:600', '*:legacy-7', '*:429@1.5', '*:429x0', 'describe jobs:429']) {
      expect(() => emulator.faults.inject(bad), bad).toThrow(/fault/);
    }
  });

  it('starts with the faults given in the options', async () => {
    const faulty = await startEmulator({ env: {}, faults: ['*:502x1'] });
    const client = createClient({ accessKey: faulty.accessKey, secretKey: faulty.secretKey, baseUrl: faulty.url, maxAttempts: 1 });
    try {
      expect(await outcome(client.callAction(ROUTE, 'DescribeFineTuningJobs', {}))).toMatchObject({ httpStatus: 502, code: 'BadGateway' });
      expect(await outcome(client.callAction(ROUTE, 'DescribeFineTuningJobs', {}))).toBe('ok');
    } finally {
      await client.close();
      await faulty.close();
    }
  });

  it('our client retries an injected throttle and succeeds', async () => {
    emulator.faults.inject('DescribeFineTuningJobs:legacy-336100x1');
    const retrying = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url, maxAttempts: 2 });
    try {
      expect((await retrying.callAction(ROUTE, 'DescribeFineTuningJobs', {})).result.jobList).toEqual([]);
    } finally {
      await retrying.close();
    }
  });
});
