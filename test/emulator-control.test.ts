/**
 * The emulator's control plane over HTTP, as a test in any language would drive it: state read, seeded
 * and reset; the calls received, masked and filtered; faults; the clock (speed 0: a week-long task
 * finishes when the test says so); and who may use it (loopback, a token, no cross-site requests).
 */
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createClient, ServiceError, startEmulator, type Emulator, type EmulatorOptions, type QianfanClient } from 'qianfan-console';
import { serveEmulator } from './support/cli-emulator.js';
import { send } from './support/emulator-wire.js';
import { TRAINING } from './support/training.js';

const FINETUNING = '/v2/finetuning';
const JOB = { name: 'faq-sft', model: 'ERNIE-Speed-8K', trainMode: 'SFT' } as const;
const WEEK_MS = 7 * 24 * 3600_000;

const started: Array<{ emulator: Emulator; qf: QianfanClient }> = [];

async function start(options: EmulatorOptions = {}): Promise<{ emulator: Emulator; qf: QianfanClient }> {
  const emulator = await startEmulator({ env: {}, ...options });
  const url = new URL(emulator.url);
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  const qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: url.origin, maxAttempts: 1 });
  started.push({ emulator, qf });
  return { emulator, qf };
}

afterEach(async () => {
  for (const { emulator, qf } of started.splice(0)) {
    await qf.close();
    await emulator.close();
  }
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

/** One control-plane request over node:http, so that any header (Host, Origin) goes out as given. */
function control(emulator: Emulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const payload = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: emulator.port, method, path: `/_emulator${path}`, headers: { 'content-type': 'application/json', ...headers }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function jobNames(qf: QianfanClient): Promise<Array<[string, string]>> {
  return ((await qf.callAction(FINETUNING, 'DescribeFineTuningJobs', {})).result.jobList ?? []).map((job) => [job.jobId!, job.name!]);
}

async function createJob(qf: QianfanClient): Promise<string> {
  return (await qf.callAction(FINETUNING, 'CreateFineTuningJob', { ...JOB })).result.jobId;
}

describe('state', () => {
  it('GET lists every record by kind; PUT of that document seeds another emulator; reset empties state and calls', async () => {
    const first = await start();
    const jobId = await createJob(first.qf);
    const { status, json: document } = await control(first.emulator, 'GET', '/api/state');
    expect(status).toBe(200);
    expect(document.format).toBe('qianfan-console-emulator-state');
    expect(document.resources.fineTuningJobs.map((r: { id: string; data: { name: string } }) => [r.id, r.data.name])).toEqual([[jobId, 'faq-sft']]);

    const second = await start();
    const loaded = await control(second.emulator, 'PUT', '/api/state', document);
    expect(loaded).toMatchObject({ status: 200, json: { loaded: { fineTuningJobs: 1 } } });
    expect(await jobNames(second.qf)).toEqual([[jobId, 'faq-sft']]);

    const reset = await control(second.emulator, 'POST', '/api/reset');
    expect(reset.status).toBe(200);
    expect((await control(second.emulator, 'GET', '/api/state')).json.resources).toEqual({});
    expect((await control(second.emulator, 'GET', '/api/calls')).json.calls).toEqual([]);
  });

  it('refuses a document that is not a state, and keeps the state as it was', async () => {
    const { emulator, qf } = await start();
    const jobId = await createJob(qf);
    for (const bad of [{ resources: {} }, { format: 'qianfan-console-emulator-state', version: 1, nextSeq: 2, resources: { jobs: [{ id: 'x' }] } }]) {
      const answer = await control(emulator, 'PUT', '/api/state', bad);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ code: 'InvalidState', message: expect.stringMatching(/the state is as it was/) });
    }
    expect((await control(emulator, 'PUT', '/api/state', '{not json')).json.code).toBe('MalformedJSON');
    expect(await jobNames(qf)).toEqual([[jobId, 'faq-sft']]);
    expect(() => emulator.load({ format: 'other' } as never)).toThrow(ConfigError);
  });
});

describe('calls', () => {
  it('lists each call with status, signature verdict and fault, sensitive fields masked, filtered by action and bounded by limit', async () => {
    const { emulator, qf } = await start();
    const password = 'afs-password-not-to-show';
    await qf.callAction('/v2/batchinference', 'CreateBatchInferenceTask', {
      name: 'nightly',
      inferenceParams: {},
      modelId: 'amv-abc',
      afsConfig: { userName: 'u', password, inputAfsUri: 'afs:/in/', outputAfsUri: 'afs:/out/' },
    });
    await send(emulator, { secretKey: 'not-the-secret-key' });
    await control(emulator, 'POST', '/api/faults', { spec: 'DescribeFineTuningJobs:429x1' });
    await qf.callAction(FINETUNING, 'DescribeFineTuningJobs', {}).catch(() => undefined);

    const { status, json, headers } = await control(emulator, 'GET', '/api/calls');
    expect(status).toBe(200);
    expect(JSON.stringify(json)).not.toContain(password);
    expect(json.calls.map((c: Record<string, unknown>) => [c['action'], c['status'], c['signature'], c['fault']])).toEqual([
      ['CreateBatchInferenceTask', 200, 'valid', undefined],
      ['DescribeFineTuningJobs', 400, 'SignatureDoesNotMatch', undefined],
      ['DescribeFineTuningJobs', 429, 'valid', '429'],
    ]);
    expect(json.calls[0]).toMatchObject({
      route: '/v2/batchinference',
      at: expect.stringMatching(/^\d{4}-/),
      requestId: expect.any(String),
      body: { name: 'nightly', afsConfig: { userName: 'u', password: '***' } },
    });
    expect(json.calls[1].body).toBeUndefined();
    expect(headers['cache-control']).toBe('no-store');

    const filtered = await control(emulator, 'GET', '/api/calls?action=finetuning/DescribeFineTuningJobs&limit=1');
    expect(filtered.json.calls.map((c: { fault?: string }) => c.fault)).toEqual(['429']);
    expect((await control(emulator, 'GET', '/api/calls?limit=0')).json.code).toBe('InvalidParameter');
    // From code the same record, with the body as sent.
    expect(emulator.calls.map((c) => c.signature)).toEqual(['valid', 'SignatureDoesNotMatch', 'valid']);
  });
});

describe('faults', () => {
  it('POST adds one in the --fault syntax, GET lists it with its counts, DELETE clears them all', async () => {
    const { emulator, qf } = await start();
    expect((await control(emulator, 'POST', '/api/faults', { spec: 'CreateFineTuningJob:503/Overloadedx2' })).status).toBe(200);
    const error = await createJob(qf).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ httpStatus: 503, code: 'Overloaded' });
    expect((await control(emulator, 'GET', '/api/faults')).json.faults).toEqual([{ spec: 'CreateFineTuningJob:503/Overloadedx2', seen: 1, fired: 1 }]);
    expect(emulator.faults.list().map((f) => f.text)).toEqual(['CreateFineTuningJob:503/Overloadedx2']);
    expect((await control(emulator, 'DELETE', '/api/faults')).json.faults).toEqual([]);
    expect(await createJob(qf)).toMatch(/^job-/);

    const bad = await control(emulator, 'POST', '/api/faults', { spec: 'CreateFineTuningJob:200' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'InvalidFault', message: expect.stringContaining('TARGET:FAULT') });
    expect((await control(emulator, 'POST', '/api/faults', { fault: 'x' })).json.code).toBe('InvalidFault');
  });
});

describe('the clock', () => {
  it('at speed 0 a training task stays where it is until POST /api/clock advances it a week, then it is Done', async () => {
    const { emulator, qf } = await start({ speed: 0 });
    const jobId = await createJob(qf);
    const { taskId } = (await qf.callAction(FINETUNING, 'CreateFineTuningTask', { jobId, ...TRAINING })).result;
    const describe = async () => (await qf.callAction(FINETUNING, 'DescribeFineTuningTask', { taskId })).result as Record<string, unknown>;
    const before = await control(emulator, 'GET', '/api/clock');
    expect(before.json).toMatchObject({ speed: 0 });
    expect((await describe())['runStatus']).toBe('Waiting');
    expect((await control(emulator, 'GET', '/api/clock')).json.nowMs).toBe(before.json.nowMs);

    const advanced = await control(emulator, 'POST', '/api/clock', { advanceMs: 30_000 });
    expect(advanced.json.nowMs).toBe(before.json.nowMs + 30_000);
    expect(await describe()).toMatchObject({ runStatus: 'Running', runProgress: '41%' });

    await control(emulator, 'POST', '/api/clock', { advanceMs: WEEK_MS });
    const done = await describe();
    expect(done['runStatus']).toBe('Done');
    // The stage's $now is the emulator's time when the task entered Done: 65 s after it was created.
    expect(done['finishDate']).toBe(new Date(before.json.nowMs + 65_000).toISOString().slice(0, 19) + 'Z');
    const task = emulator.view().routes['/v2/finetuning']!['fineTuningTasks']![0]!;
    expect(task).toMatchObject({ id: taskId, status: 'Done', parent: { resource: 'fineTuningJobs', id: jobId } });
  });

  it('refuses an advance that is not a number of milliseconds ≥ 0; from code, clock.advance does the same', async () => {
    const { emulator } = await start({ speed: 0 });
    for (const advanceMs of [-1, '10', null]) {
      const answer = await control(emulator, 'POST', '/api/clock', { advanceMs });
      expect(answer).toMatchObject({ status: 400, json: { code: 'InvalidParameter' } });
    }
    const start0 = emulator.clock.now();
    expect(emulator.clock.advance(1000)).toBe(start0 + 1000);
    expect(() => emulator.clock.advance(Number.NaN)).toThrow(ConfigError);
  });
});

describe('who may use it', () => {
  const TOKEN = 'a-control-token-for-tests';

  it('with a control token, every request must carry it in x-emulator-control-token', async () => {
    const { emulator } = await start({ controlToken: TOKEN });
    const missing = await control(emulator, 'GET', '/api/state');
    expect(missing).toMatchObject({ status: 401, json: { code: 'ControlTokenRequired' } });
    expect(JSON.stringify(missing.json)).not.toContain(TOKEN);
    expect((await control(emulator, 'GET', '/api/state', undefined, { 'x-emulator-control-token': 'a-wrong-token-0000' })).status).toBe(401);
    expect((await control(emulator, 'GET', '/api/state', undefined, { 'x-emulator-control-token': TOKEN })).status).toBe(200);
    // A browser: ?token= once, then a cookie, and the token leaves the address bar.
    const entry = await control(emulator, 'GET', `/?token=${TOKEN}`);
    expect(entry.status).toBe(303);
    expect(entry.headers['location']).toBe('/_emulator/');
    const cookie = String(entry.headers['set-cookie']).split(';')[0]!;
    expect((await control(emulator, 'GET', '/api/clock', undefined, { cookie })).status).toBe(200);
    expect((await control(emulator, 'GET', '/?token=wrong-token-1234')).status).toBe(401);
    await expect(startEmulator({ env: {}, controlToken: 'short' })).rejects.toThrow(ConfigError);
  });

  it('qianfan-console serve --speed 0 --control-token: a stopped clock and a guarded control plane, the token never printed', async () => {
    const served = await serveEmulator(['--speed', '0', '--control-token', TOKEN], { accessKey: 'ALTAKcontrol', secretKey: 'control-test-secret-key' });
    try {
      const clock = `${served.url}/_emulator/api/clock`;
      expect((await fetch(clock)).status).toBe(401);
      const answer = await fetch(clock, { headers: { 'x-emulator-control-token': TOKEN } });
      expect(await answer.json()).toMatchObject({ speed: 0 });
      expect(served.output()).toContain(`dashboard: ${served.url}/_emulator/`);
      expect(served.output()).not.toContain(TOKEN);
    } finally {
      await served.stop();
    }
  });

  it('bound to a non-loopback address, it is shut without a token and open with one', async () => {
    const open = await start({ host: '0.0.0.0' });
    expect(await control(open.emulator, 'GET', '/api/state')).toMatchObject({ status: 403, json: { code: 'ControlPlaneOff' } });
    // The console routes still answer there.
    expect(await createJob(open.qf)).toMatch(/^job-/);
    const guarded = await start({ host: '0.0.0.0', controlToken: TOKEN });
    expect((await control(guarded.emulator, 'GET', '/api/state', undefined, { 'x-emulator-control-token': TOKEN })).status).toBe(200);
  });

  it('refuses requests from other sites (Origin) and under other host names (DNS rebinding)', async () => {
    const { emulator, qf } = await start();
    await createJob(qf);
    const crossSite = await control(emulator, 'POST', '/api/reset', undefined, { origin: 'http://evil.example' });
    expect(crossSite).toMatchObject({ status: 403, json: { code: 'CrossOriginRefused' } });
    expect(await control(emulator, 'GET', '/api/state', undefined, { host: `evil.example:${emulator.port}` })).toMatchObject({
      status: 403,
      json: { code: 'HostRefused' },
    });
    const sameSite = await control(emulator, 'GET', '/api/state', undefined, { origin: `http://127.0.0.1:${emulator.port}` });
    expect(Object.keys(sameSite.json.resources)).toEqual(['fineTuningJobs']);
    expect((await control(emulator, 'GET', '/api/nothing')).json.code).toBe('NotFound');
  });
});

describe('the dashboard page', () => {
  it('is plain HTML from the emulator, with a policy that lets it talk only to the emulator', async () => {
    const { emulator } = await start();
    expect(emulator.controlUrl).toBe(`${emulator.url}/_emulator/`);
    const page = await control(emulator, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(page.json).toContain('<title>Qianfan console emulator</title>');
    // Answers carry their length, not a chunked stream: the page and the API's JSON alike.
    const state = await control(emulator, 'GET', '/api/state');
    for (const answer of [page, state]) {
      expect(answer.headers['transfer-encoding']).toBeUndefined();
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(typeof answer.json === 'string' ? answer.json : JSON.stringify(answer.json)));
    }
    expect((await control(emulator, 'GET', '')).headers['location']).toBe('/_emulator/');
  });
});
