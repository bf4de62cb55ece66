/**
 * End to end: the real command against the real emulator, both started as a person would —
 * `qianfan-console serve --port 0` in one process, `qianfan-console …` in others.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from 'qianfan-console';
import { serveEmulator, type ServedEmulator } from './support/cli-emulator.js';
import { hasScript, runCliProcess, runCliInTerminal } from './support/cli-process.js';

const AK = 'ALTAKe2e0000000000000001';
const SK = 'e2e-secret-key-must-never-show-0001';
/** The margin is for a loaded CI machine: the wait tests move the emulator's clock, not the wall clock. */
const WAIT_TEST_TIMEOUT_MS = 40_000;
let emulator: ServedEmulator;

beforeAll(async () => {
  emulator = await serveEmulator([], { accessKey: AK, secretKey: SK });
});
afterAll(() => emulator?.stop());

const env = () => ({ QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK, QIANFAN_CONSOLE_API_BASE_URL: emulator.url });
const cli = (args: string[]) => runCliProcess(args, { env: env() });
const json = <T>(text: string): T => JSON.parse(text) as T;

const TRAINING = [
  '--hyperParameterConfig.epoch',
  '1',
  '--datasetConfig.sourceType',
  'Platform',
  '--datasetConfig.versions',
  '[{"versionId":"ds-he8srs01ym0b8fh7"}]',
];

describe('qianfan-console against qianfan-console serve', () => {
  it('serve does not print a secret it was given', async () => {
    // The banner follows the first line; wait for its end.
    await vi.waitFor(() => expect(emulator.output()).toContain('Ctrl-C stops it.'));
    expect(emulator.output()).toContain(`access key: ${AK}`);
    expect(emulator.output()).not.toContain(SK);
  });

  it('lists and describes', async () => {
    const list = await cli(['list', 'finetuning', '-o', 'table']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^DescribeFineTuningJobs\s+List fine-tuning jobs, one page at a time\.\s+--all$/m);
    const describe = await cli(['describe', 'finetuning', 'CreateFineTuningJob', '-o', 'table']);
    expect(describe.code).toBe(0);
    expect(describe.stdout).toContain('--name <string>   required');
  });

  it('dry-run shows the request without the secret key or a full signature, and sends nothing', async () => {
    const result = await cli([
      'call',
      'finetuning',
      'CreateFineTuningJob',
      '--name',
      'never-sent',
      '--model',
      'ERNIE-Speed-8K',
      '--trainMode',
      'SFT',
      '--dry-run',
      '-o',
      'table',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^POST ${emulator.url}/v2/finetuning\\?Action=CreateFineTuningJob\\n`));
    expect(result.stdout).toContain(`authorization: bce-auth-v1/${AK}/`);
    expect(result.stdout).not.toContain(SK);
    expect(result.stdout).not.toMatch(/[0-9a-f]{64}/);
    const jobs = await cli(['call', 'finetuning', 'DescribeFineTuningJobs', '--all']);
    expect(json<{ result: { jobList: { name: string }[] } }>(jobs.stdout).result.jobList.map((j) => j.name)).not.toContain('never-sent');
  });

  it('calls, then pages through 20+ jobs with --all', async () => {
    const created = await cli(['call', 'finetuning', 'CreateFineTuningJob', '--name', 'e2e-first', '--model', 'ERNIE-Speed-8K', '--trainMode', 'SFT']);
    expect(created.code).toBe(0);
    expect(json<{ result: { jobId: string } }>(created.stdout).result.jobId).toMatch(/^job-/);
    // The other 21 through the library, to keep the test short; the listing is the command's.
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: emulator.url });
    for (let i = 1; i <= 21; i++) await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: `e2e-${i}`, model: 'ERNIE-Speed-8K', trainMode: 'SFT' });
    await qf.close();

    const all = await cli(['call', 'finetuning', 'DescribeFineTuningJobs', '--all', '--page-size', '5']);
    expect(all.code).toBe(0);
    const listed = json<{ requestIds: string[]; result: { jobList: { name: string }[] } }>(all.stdout);
    const names = listed.result.jobList.map((j) => j.name).filter((n) => n.startsWith('e2e-'));
    expect(names).toEqual(['e2e-first', ...Array.from({ length: 21 }, (_, i) => `e2e-${i + 1}`)]);
    expect(listed.requestIds.length).toBe(Math.ceil(listed.result.jobList.length / 5));

    const table = await cli(['call', 'finetuning', 'DescribeFineTuningJobs', '--all', '-o', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/^JOBID\s+/);
    expect(table.stdout).toMatch(/\se2e-21\s/);
  });

  it(
    'waits for a fine-tuning task to finish: plain lines on a pipe',
    async () => {
      const jobId = await newJob();
      const task = await cli(['call', 'finetuning', 'CreateFineTuningTask', '--jobId', jobId, ...TRAINING]);
      const taskId = json<{ result: { taskId: string } }>(task.stdout).result.taskId;
      const waiting = runCliProcess(['wait', 'finetuning', 'FineTuningTaskDone', '--taskId', taskId, '--interval-ms', '50'], { env: env(), timeoutMs: 30_000 });
      await walkTrainingRun();
      const waited = await waiting;
      expect(waited.code).toBe(0);
      expect(json<{ result: { runStatus: string; metrics: object } }>(waited.stdout).result).toMatchObject({ runStatus: 'Done', metrics: expect.any(Object) });
      const lines = waited.stderr.trimEnd().split('\n');
      for (const line of lines) expect(line).toMatch(/^FineTuningTaskDone: (Waiting|Running( \d+%)?|Done) \(poll \d+, \d+s\)$/);
      expect(lines[0]).toMatch(/^FineTuningTaskDone: Waiting /);
      expect(lines.some((line) => /^FineTuningTaskDone: Running [1-9]\d?% /.test(line))).toBe(true);
      expect(lines.at(-1)).toMatch(/^FineTuningTaskDone: Done /);
    },
    WAIT_TEST_TIMEOUT_MS,
  );

  it.skipIf(!hasScript)(
    'waits with a live progress bar on a terminal',
    async () => {
      const jobId = await newJob();
      const task = await cli(['call', 'finetuning', 'CreateFineTuningTask', '--jobId', jobId, ...TRAINING]);
      const taskId = json<{ result: { taskId: string } }>(task.stdout).result.taskId;
      const waiting = runCliInTerminal(['wait', 'finetuning', 'FineTuningTaskDone', '--taskId', taskId, '--interval-ms', '50'], {
        env: env(),
        timeoutMs: 30_000,
      });
      await walkTrainingRun();
      const waited = await waiting;
      expect(waited.code).toBe(0);
      const redraws = waited.stdout.split('\r\x1b[K').slice(1);
      const final = redraws.pop()!;
      expect(final).toMatch(/^FineTuningTaskDone \[█{24}\] 100% {2}Done {2}\(poll \d+, \d+s\)\r\n/);
      expect(final).toContain('  runStatus: Done\r\n');
      // Each earlier redraw is the bar at the task's runProgress (or the status alone while it waits).
      for (const redraw of redraws) expect(redraw).toMatch(/^FineTuningTaskDone( \[[█░]{24}\] +\d+%)? {2}(Waiting|Running) {2}\(poll \d+, \d+s\)$/);
      expect(redraws.some((r) => /\] +([1-9]\d?)% {2}Running/.test(r))).toBe(true);
    },
    WAIT_TEST_TIMEOUT_MS,
  );

  it('exits 2 naming a missing required field, 1 when the service says no, 3 when nothing answers', async () => {
    const missing = await cli(['call', 'finetuning', 'CreateFineTuningJob', '--name', 'x', '--model', 'ERNIE-Speed-8K']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('$.trainMode (--trainMode): is required but missing');

    const refused = await cli(['call', 'finetuning', 'DescribeFineTuningTask', '--taskId', 'task-doesnotexist']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^qianfan-console: the console refused DescribeFineTuningTask \(\/v2\/finetuning\): ResourceNotFound: .*\[HTTP 404, requestId [0-9a-f-]{36}\]\n$/,
    );

    const wrongKey = await runCliProcess(['call', 'finetuning', 'DescribeFineTuningJobs'], { env: { ...env(), QIANFAN_SECRET_KEY: 'not-the-secret' } });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).not.toContain('not-the-secret');

    const unreachable = await cli(['call', 'finetuning', 'DescribeFineTuningJobs', '--endpoint', 'http://127.0.0.1:1']);
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toContain('ECONNREFUSED');
  });
});

/**
 * Takes the task a `wait` command is polling through its 65 s training run (5 s Waiting, 60 s
 * Running, then Done) by moving the emulator's clock, each step once the command has polled: it sees
 * Waiting, then Running halfway, then Done. The emulator logs one line per request it answers.
 */
async function walkTrainingRun(): Promise<void> {
  const polls = () => emulator.output().split('finetuning/DescribeFineTuningTask ').length - 1;
  // Two polls after a step: the first may have been read before the clock moved.
  const twoMorePolls = async () => {
    const seen = polls();
    await vi.waitFor(() => expect(polls()).toBeGreaterThanOrEqual(seen + 2), { timeout: 20_000, interval: 20 });
  };
  await twoMorePolls();
  await advanceClock(35_000);
  await twoMorePolls();
  await advanceClock(60_000);
}

/** POST /_emulator/api/clock: the emulator's control plane, open on loopback. */
async function advanceClock(advanceMs: number): Promise<void> {
  const res = await fetch(`${emulator.url}/_emulator/api/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceMs }),
  });
  expect(res.status).toBe(200);
}

async function newJob(): Promise<string> {
  const created = await cli(['call', 'finetuning', 'CreateFineTuningJob', '--name', 'e2e-train', '--model', 'ERNIE-Speed-8K', '--trainMode', 'SFT']);
  return json<{ result: { jobId: string } }>(created.stdout).result.jobId;
}
