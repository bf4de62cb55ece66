import { describe, expect, it } from 'vitest';
import { AbortError, createClient, resetDefaultClient, ServiceError, ValidationError, waitFor, WaiterError, type WaitProgress } from 'qianfan-console';
import { actionDir } from './support/action-dir.js';
import { consoleLike, useVerifyingServer, type Handler } from './support/verifying-server.js';

const AK = 'ALTAKwaiters0000000001';
const SK = 'waiters-secret-key-000000001';
const server = useVerifyingServer({ [AK]: SK });

const client = () => createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1 });

/** Answers with the given results in turn, then the last one forever. */
function sequence(...results: Record<string, unknown>[]): Handler {
  let poll = 0;
  return consoleLike(() => results[Math.min(poll++, results.length - 1)]);
}

describe('waitFor', () => {
  it('polls the waiter’s action until a success status, reporting each poll, and resolves with the last answer', async () => {
    server.handler = sequence(
      { runStatus: 'Waiting' },
      { runStatus: 'Running', runProgress: '30%' },
      { runStatus: 'Running', runProgress: '90%' },
      { runStatus: 'Done', taskId: 'task-1' },
    );
    const qf = client();
    const progress: WaitProgress[] = [];
    const response = await waitFor(qf, 'FineTuningTaskDone', { taskId: 'task-1' }, { intervalMs: 1, onProgress: (p) => progress.push(p) });
    expect(response).toEqual({ requestId: 'req-1', result: { runStatus: 'Done', taskId: 'task-1' } });
    expect(progress.map((p) => [p.attempt, p.status, p.progress])).toEqual([
      [1, 'Waiting', undefined],
      [2, 'Running', '30%'],
      [3, 'Running', '90%'],
      [4, 'Done', undefined],
    ]);
    expect(progress.every((p, i) => i === 0 || p.elapsedMs >= progress[i - 1]!.elapsedMs)).toBe(true);
    expect(server.requests.map((r) => [r.query.get('Action'), JSON.parse(r.body), r.authProblem])).toEqual(
      Array(4).fill(['DescribeFineTuningTask', { taskId: 'task-1' }, null]),
    );
    await qf.close();
  });

  it('rejects with WaiterError (failure) on a failure status, carrying the status and the last answer', async () => {
    server.handler = sequence({ runStatus: 'Running' }, { runStatus: 'Stopped' });
    const qf = client();
    const error = (await waitFor(qf, 'FineTuningTaskDone', { taskId: 't' }, { intervalMs: 1 }).catch((e: unknown) => e)) as WaiterError;
    expect(error).toBeInstanceOf(WaiterError);
    expect(error).toMatchObject({
      reason: 'failure',
      code: 'WaiterFailed',
      status: 'Stopped',
      waiter: 'FineTuningTaskDone',
      route: '/v2/finetuning',
      action: 'DescribeFineTuningTask',
      requestId: 'req-1',
    });
    expect(error.lastResponse.result).toEqual({ runStatus: 'Stopped' });
    expect(error.toJSON()).toMatchObject({ reason: 'failure', status: 'Stopped' });
    await qf.close();
  });

  it('rejects with WaiterError (timeout) when no final status comes in time', async () => {
    server.handler = sequence({ runStatus: 'Running' });
    const qf = client();
    const error = (await waitFor(qf, 'FineTuningTaskDone', { taskId: 't' }, { intervalMs: 5, timeoutMs: 20 }).catch((e: unknown) => e)) as WaiterError;
    expect(error).toMatchObject({ name: 'WaiterError', reason: 'timeout', code: 'WaiterTimeout', status: 'Running' });
    expect(error.message).toContain('timeout 20 ms');
    await qf.close();
  });

  it('stops waiting with AbortError as soon as the signal fires, without sleeping out the interval', async () => {
    server.handler = sequence({ runStatus: 'Running' });
    const qf = client();
    const controller = new AbortController();
    const started = Date.now();
    const error = await waitFor(
      qf,
      'FineTuningTaskDone',
      { taskId: 't' },
      { intervalMs: 60_000, signal: controller.signal, onProgress: () => controller.abort() },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(server.requests).toHaveLength(1);
    await qf.close();
  });

  it('polls past a passing failure (503, 429, a dropped connection) while it has time, and reports it', async () => {
    const ok = sequence({ runStatus: 'Running' }, { runStatus: 'Done' });
    let poll = 0;
    server.handler = (req) => {
      poll++;
      if (poll === 2) return { status: 503, body: { requestId: 'r-503', code: 'ServiceUnavailable', message: 'try later' } };
      if (poll === 3) return { status: 429, body: { requestId: 'r-429', code: 'RequestLimitExceeded', message: 'slow down' } };
      if (poll === 4) return { reset: true };
      return ok(req);
    };
    const qf = client();
    const progress: WaitProgress[] = [];
    const response = await waitFor(qf, 'FineTuningTaskDone', { taskId: 't' }, { intervalMs: 1, onProgress: (p) => progress.push(p) });
    expect(response.result).toEqual({ runStatus: 'Done' });
    expect(progress.map((p) => [p.attempt, p.status, p.error?.code])).toEqual([
      [1, 'Running', undefined],
      [2, undefined, 'ServiceUnavailable'],
      [3, undefined, 'RequestLimitExceeded'],
      [4, undefined, expect.stringMatching(/^(ECONNRESET|UND_ERR_SOCKET|EPIPE)$/)],
      [5, 'Done', undefined],
    ]);
    await qf.close();
  });

  it('ends with the last passing failure when the time runs out during an outage', async () => {
    server.handler = () => ({ status: 503, body: { requestId: 'r-503', code: 'ServiceUnavailable', message: 'try later' } });
    const qf = client();
    // Room for a second poll even when a loaded machine makes the first one slow (30 ms failed under parallel workers).
    const error = await waitFor(qf, 'FineTuningTaskDone', { taskId: 't' }, { intervalMs: 5, timeoutMs: 500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('ServiceUnavailable');
    expect(server.requests.length).toBeGreaterThan(1);
    await qf.close();
  });

  it('lets a final service error through at once, and refuses an unknown waiter naming the known ones', async () => {
    const qf = client();
    server.handler = () => ({ status: 404, body: { requestId: 'r-404', code: 'TaskNotExist', message: 'no such task' } });
    await expect(waitFor(qf, 'FineTuningTaskDone', { taskId: 't' })).rejects.toBeInstanceOf(ServiceError);
    expect(server.requests).toHaveLength(1);
    const unknown = (await waitFor(qf, 'FineTuningTaskFinished', { taskId: 't' }).catch((e: unknown) => e)) as ValidationError;
    expect(unknown).toBeInstanceOf(ValidationError);
    expect(unknown.problems[0]!.message).toContain('FineTuningTaskDone (/v2/finetuning)');
    const wrongRoute = (await waitFor(qf, 'FineTuningTaskDone', { taskId: 't' }, { route: 'service' }).catch((e: unknown) => e)) as ValidationError;
    expect(wrongRoute.problems[0]!.message).toBe('known waiters: ServiceServing (/v2/service)');
    await qf.close();
  });

  it('reads a dropped-in waiter, with a nested status and no failure list, and works with the default client', async () => {
    const dir = actionDir({
      widgets: {
        'DescribeWidget.yaml': `action: DescribeWidget
route: /v2/widgets
summary: One widget.
docs: https://example.invalid/widgets
idempotent: true
body: { type: object, required: [widgetId], properties: { widgetId: { type: string } } }
result: { type: object }
waiters:
  WidgetReady:
    summary: Wait for a widget.
    status: state.phase
    success: [Ready]
    intervalMs: 1
`,
      },
    });
    server.handler = sequence({ state: { phase: 'Building' } }, { state: { phase: 'Ready' } });
    process.env['QIANFAN_ACCESS_KEY'] = AK;
    process.env['QIANFAN_SECRET_KEY'] = SK;
    process.env['QIANFAN_CONSOLE_API_BASE_URL'] = server.url;
    process.env['QIANFAN_ACTIONS_PATH'] = dir;
    try {
      const response = await waitFor('WidgetReady', { widgetId: 'w-1' });
      expect(response.result).toEqual({ state: { phase: 'Ready' } });
      expect(server.requests.map((r) => r.path)).toEqual(['/v2/widgets', '/v2/widgets']);
    } finally {
      for (const name of ['QIANFAN_ACCESS_KEY', 'QIANFAN_SECRET_KEY', 'QIANFAN_CONSOLE_API_BASE_URL', 'QIANFAN_ACTIONS_PATH']) delete process.env[name];
      await resetDefaultClient();
    }
  });
});
