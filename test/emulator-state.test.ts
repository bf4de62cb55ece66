/**
 * The emulator's resources behave like the service's: what one client creates another lists; lists
 * page with marker/maxKeys/pageReverse; absent records are errors; tasks advance on a clock that the
 * test drives; state survives a restart with --state, and a file that is not ours is left alone.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, createClient, type QianfanClient, ServiceError, startEmulator, type Emulator } from 'qianfan-console';
import { TRAINING } from './support/training.js';

const ROUTE = '/v2/finetuning';
const JOB = { name: 'faq-sft', model: 'ERNIE-Speed-8K', trainMode: 'SFT' } as const;

let emulator: Emulator;
let clients: QianfanClient[] = [];
/** The emulator's clock: starts at the real time, moves only when a test says so. */
let clockMs: number;

function client(transport: 'undici' | 'fetch' = 'undici'): QianfanClient {
  const qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url, transport, maxAttempts: 1 });
  clients.push(qf);
  return qf;
}

async function createJob(qf: QianfanClient, body: Record<string, unknown> = {}): Promise<string> {
  return (await qf.callAction(ROUTE, 'CreateFineTuningJob', { ...JOB, ...body })).result.jobId;
}

async function createTask(qf: QianfanClient, jobId: string): Promise<string> {
  return (await qf.callAction(ROUTE, 'CreateFineTuningTask', { jobId, ...TRAINING })).result.taskId;
}

async function describeTask(qf: QianfanClient, taskId: string): Promise<Record<string, unknown>> {
  return (await qf.callAction(ROUTE, 'DescribeFineTuningTask', { taskId })).result as Record<string, unknown>;
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

beforeEach(async () => {
  clockMs = Date.now();
  emulator = await startEmulator({ env: {}, now: () => clockMs });
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
  await emulator.close();
});

describe('resources', () => {
  it('a job created by one client is listed for another, with what was created', async () => {
    const jobId = await createJob(client('undici'), { description: 'answers' });
    expect(jobId).toMatch(/^job-[a-z0-9]{12}$/);
    const { result } = await client('fetch').callAction(ROUTE, 'DescribeFineTuningJobs', {});
    expect(result.jobList).toEqual([{ jobId, ...JOB, description: 'answers', createDate: new Date(clockMs).toISOString().slice(0, 19) + 'Z' }]);
  });

  it('filters lists by the body fields the block names', async () => {
    const qf = client();
    const sft = await createJob(qf);
    const dpo = await createJob(qf, { trainMode: 'DPO' });
    const ids = async (body: object) => ((await qf.callAction(ROUTE, 'DescribeFineTuningJobs', body)).result.jobList ?? []).map((j) => j.jobId);
    expect(await ids({ trainMode: 'DPO' })).toEqual([dpo]);
    expect(await ids({ trainMode: 'SFT', model: 'ERNIE-Speed-8K' })).toEqual([sft]);
    expect(await ids({ model: 'ERNIE-4.0' })).toEqual([]);
  });

  it('pages with marker and maxKeys, answering pageInfo {marker, maxKeys, isTruncated, nextMarker}', async () => {
    const qf = client();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) created.push(await createJob(qf, { name: `job-${i}` }));
    const page = async (body: object) => (await qf.callAction(ROUTE, 'DescribeFineTuningJobs', body)).result;

    const first = await page({ maxKeys: 3 });
    expect(first.jobList!.map((j) => j.jobId)).toEqual(created.slice(0, 3));
    expect(first.pageInfo).toEqual({ marker: '', maxKeys: 3, isTruncated: true, nextMarker: created[3] });
    const second = await page({ maxKeys: 3, marker: first.pageInfo!.nextMarker });
    expect(second.jobList!.map((j) => j.jobId)).toEqual(created.slice(3, 6));
    expect(second.pageInfo).toEqual({ marker: created[3], maxKeys: 3, isTruncated: true, nextMarker: created[6] });
    const last = await page({ maxKeys: 3, marker: second.pageInfo!.nextMarker });
    expect(last.jobList!.map((j) => j.jobId)).toEqual(created.slice(6));
    expect(last.pageInfo).toEqual({ marker: created[6], maxKeys: 3, isTruncated: false });

    const reversed = await page({ maxKeys: 4, pageReverse: true });
    expect(reversed.jobList!.map((j) => j.jobId)).toEqual([...created].reverse().slice(0, 4));
    expect(reversed.pageInfo?.nextMarker).toBe(created[2]);
    expect((await page({})).pageInfo).toMatchObject({ maxKeys: 10, isTruncated: false });

    const stale = await failure(qf.callAction(ROUTE, 'DescribeFineTuningJobs', { marker: 'job-000000000000' }));
    expect(stale).toMatchObject({ httpStatus: 400, code: 'InvalidParameter' });
  });

  it('describing, stopping or deleting what does not exist is 404 ResourceNotFound', async () => {
    const qf = client();
    for (const [action, body] of [
      ['DescribeFineTuningTask', { taskId: 'task-nothing12345' }],
      ['StopFineTuningTask', { taskId: 'task-nothing12345' }],
      ['DeleteFineTuningTask', { taskId: 'task-nothing12345' }],
      ['DeleteFineTuningJob', { jobId: 'job-nothing123456' }],
      ['CreateFineTuningTask', { jobId: 'job-nothing123456', ...TRAINING }],
      ['DescribeFineTuningTasks', { jobId: 'job-nothing123456' }],
    ] as const) {
      const error = await failure(qf.callAction(ROUTE, action, body as never));
      expect(error, action).toMatchObject({ httpStatus: 404, code: 'ResourceNotFound', shape: 'v2' });
      expect(error.message).toContain('nothing');
    }
  });

  it('delete removes the record, and a job takes its tasks with it', async () => {
    const qf = client();
    const jobId = await createJob(qf);
    const [taskA, taskB] = [await createTask(qf, jobId), await createTask(qf, jobId)];
    const tasks = await qf.callAction(ROUTE, 'DescribeFineTuningTasks', { jobId });
    expect(tasks.result.taskList!.map((t) => t.taskId)).toEqual([taskA, taskB]);
    expect((await qf.callAction(ROUTE, 'DeleteFineTuningTask', { taskId: taskA })).result).toBe(true);
    expect((await failure(qf.callAction(ROUTE, 'DeleteFineTuningTask', { taskId: taskA }))).code).toBe('ResourceNotFound');
    expect((await qf.callAction(ROUTE, 'DeleteFineTuningJob', { jobId })).result).toBe(true);
    expect((await failure(describeTask(qf, taskB))).code).toBe('ResourceNotFound');
    expect((await qf.callAction(ROUTE, 'DescribeFineTuningJobs', {})).result.jobList).toEqual([]);
  });
});

describe('the fine-tuning task lifecycle', () => {
  it('goes Waiting → Running with runProgress → Done on the emulator clock', async () => {
    const qf = client();
    const jobId = await createJob(qf);
    const createdAt = clockMs;
    const taskId = await createTask(qf, jobId);
    const at = async (seconds: number) => {
      clockMs = createdAt + seconds * 1000;
      return describeTask(qf, taskId);
    };
    expect(await at(0)).toMatchObject({
      taskId,
      jobId,
      jobName: 'faq-sft',
      model: 'ERNIE-Speed-8K',
      trainMode: 'SFT',
      runStatus: 'Waiting',
      finishDate: '0000-00-00T00:00:00Z',
    });
    expect((await at(4.9)).runProgress).toBeUndefined();
    expect(await at(5)).toMatchObject({ runStatus: 'Running', runProgress: '0%' });
    expect(await at(35)).toMatchObject({ runStatus: 'Running', runProgress: '50%' });
    const done = await at(65);
    expect(done).toMatchObject({
      runStatus: 'Done',
      finishDate: new Date(createdAt + 65_000).toISOString().slice(0, 19) + 'Z',
      metrics: { 'BLEU-4': '16.56%' },
    });
    expect(done.runProgress).toBeUndefined();
    // Lists show the same status as Describe.
    const listed = await qf.callAction(ROUTE, 'DescribeFineTuningTasks', { jobId });
    expect(listed.result.taskList![0]).toMatchObject({ taskId, runStatus: 'Done' });
  });

  it('runs faster with speed', async () => {
    await emulator.close();
    emulator = await startEmulator({ env: {}, now: () => clockMs, speed: 10 });
    const qf = client();
    const taskId = await createTask(qf, await createJob(qf));
    // 10 emulated seconds per real second: Waiting ends at 0.5 s, Running (60 s) at 6.5 s.
    clockMs += 500;
    expect(await describeTask(qf, taskId)).toMatchObject({ runStatus: 'Running', runProgress: '0%' });
    clockMs += 3_000;
    expect(await describeTask(qf, taskId)).toMatchObject({ runStatus: 'Running', runProgress: '50%' });
    clockMs += 3_000;
    expect((await describeTask(qf, taskId)).runStatus).toBe('Done');
  });

  it('Stop moves a task to Stopped and freezes it there; a finished task cannot be stopped', async () => {
    const qf = client();
    const jobId = await createJob(qf);
    const taskId = await createTask(qf, jobId);
    clockMs += 20_000;
    expect((await describeTask(qf, taskId)).runStatus).toBe('Running');
    expect((await qf.callAction(ROUTE, 'StopFineTuningTask', { taskId })).result).toBe(true);
    clockMs += 3600_000;
    const stopped = await describeTask(qf, taskId);
    expect(stopped.runStatus).toBe('Stopped');
    expect(stopped.runProgress).toBeUndefined();
    expect((await qf.callAction(ROUTE, 'StopFineTuningTask', { taskId })).result).toBe(true);

    const finished = await createTask(qf, jobId);
    clockMs += 65_000;
    const refused = await failure(qf.callAction(ROUTE, 'StopFineTuningTask', { taskId: finished }));
    expect(refused).toMatchObject({ httpStatus: 400, code: 'InvalidOperation' });
    expect(refused.message).toContain('runStatus "Done"');
  });
});

describe('state file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qf-emulator-state-'));

  it('keeps jobs and tasks across a restart, written atomically with a format marker', async () => {
    const statePath = join(dir, 'kept.json');
    await emulator.close();
    emulator = await startEmulator({ env: {}, statePath, now: () => clockMs });
    let qf = client();
    const jobId = await createJob(qf);
    const taskId = await createTask(qf, jobId);
    await emulator.close();
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ format: 'qianfan-console-emulator-state', version: 1 });
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    clockMs += 30_000;
    emulator = await startEmulator({ env: {}, statePath, now: () => clockMs });
    qf = client();
    expect((await qf.callAction(ROUTE, 'DescribeFineTuningJobs', {})).result.jobList!.map((j) => j.jobId)).toEqual([jobId]);
    expect(await describeTask(qf, taskId)).toMatchObject({ runStatus: 'Running' });
    await qf.callAction(ROUTE, 'DeleteFineTuningJob', { jobId });
    await emulator.close();
    emulator = await startEmulator({ env: {}, statePath, now: () => clockMs });
    expect((await client().callAction(ROUTE, 'DescribeFineTuningJobs', {})).result.jobList).toEqual([]);
  });

  it('refuses a corrupt or foreign file with a clear message and leaves it byte-identical', async () => {
    const cases = {
      'corrupt.json': '{"format": "qianfan-console-emulator-state", "version": 1, "resour',
      'foreign.json': JSON.stringify({ name: 'my-app', version: '1.0.0' }),
      'future.json': JSON.stringify({ format: 'qianfan-console-emulator-state', version: 99, nextSeq: 1, resources: {} }),
      'damaged.json': JSON.stringify({ format: 'qianfan-console-emulator-state', version: 1, nextSeq: 1, resources: { jobs: [{ seq: 1 }] } }),
    };
    for (const [name, text] of Object.entries(cases)) {
      const statePath = join(dir, name);
      writeFileSync(statePath, text);
      const before = readFileSync(statePath);
      const error = await startEmulator({ env: {}, statePath }).then(
        async (started) => {
          await started.close();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(ConfigError);
      expect(error).toMatchObject({ code: 'StateFileRefused' });
      expect((error as Error).message).toContain(statePath);
      expect((error as Error).message).toContain('left as it is');
      expect(readFileSync(statePath).equals(before), name).toBe(true);
    }
  });

  it('reset() forgets every record', async () => {
    const qf = client();
    await createJob(qf);
    emulator.reset();
    expect((await qf.callAction(ROUTE, 'DescribeFineTuningJobs', {})).result.jobList).toEqual([]);
  });
});
