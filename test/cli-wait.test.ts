/**
 * The command's lines, run in-process (test/support/cli-run.ts), against a loopback server that verifies every signature:
 * wait, and what the command draws on a terminal (the real process, under a pseudo-terminal).
 * Shared setup: test/support/cli-console.ts.
 */
import { describe, expect, it } from 'vitest';
import { pagedJobs, useCliConsole } from './support/cli-console.js';
import { hasScript, runCliInTerminal } from './support/cli-process.js';
import { runCli } from './support/cli-run.js';
import { consoleLike, type Handler } from './support/verifying-server.js';

const { server, env } = useCliConsole();

describe('wait', () => {
  /** Answers DescribeFineTuningTask with the given states in turn, then the last one forever. */
  function states(...sequence: { runStatus: string; runProgress?: string }[]): Handler {
    let poll = 0;
    return consoleLike(() => ({ taskId: 'task-1', ...sequence[Math.min(poll++, sequence.length - 1)] }));
  }

  it('polls until Done, one plain line per poll on a pipe, and prints the last answer', async () => {
    server.handler = states({ runStatus: 'Waiting' }, { runStatus: 'Running', runProgress: '40%' }, { runStatus: 'Done' });
    const result = await runCli(['wait', 'finetuning', 'FineTuningTaskDone', '--taskId', 'task-1', '--interval-ms', '5'], { env: env() });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ requestId: 'req-1', result: { taskId: 'task-1', runStatus: 'Done' } });
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^FineTuningTaskDone: Waiting \(poll 1, \d+s\)$/);
    expect(lines[1]).toMatch(/^FineTuningTaskDone: Running 40% \(poll 2, \d+s\)$/);
    expect(lines[2]).toMatch(/^FineTuningTaskDone: Done \(poll 3, \d+s\)$/);
    expect(server.requests.every((r) => JSON.parse(r.body).taskId === 'task-1' && r.authProblem === null)).toBe(true);
  });

  it('exits 1 when the task fails, 3 when it times out, 2 for an unknown waiter or a missing field', async () => {
    server.handler = states({ runStatus: 'Running', runProgress: '10%' }, { runStatus: 'Failed' });
    const failed = await runCli(['wait', 'finetuning', 'FineTuningTaskDone', '--taskId', 'task-1', '--interval-ms', '5'], { env: env() });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('qianfan-console: FineTuningTaskDone: DescribeFineTuningTask reports runStatus Failed, a failure [requestId req-1]');

    const slow: Handler = async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      return consoleLike(() => ({ runStatus: 'Running' }))(request);
    };
    server.handler = slow;
    const timedOut = await runCli(['wait', 'finetuning', 'FineTuningTaskDone', '--taskId', 'task-1', '--timeout-ms', '1'], { env: env() });
    expect(timedOut.code).toBe(3);
    expect(timedOut.stderr).toContain('timeout 1 ms');

    const unknown = await runCli(['wait', 'finetuning', 'NoSuchWaiter', '--taskId', 't'], { env: env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('FineTuningTaskDone (/v2/finetuning)');
    const missing = await runCli(['wait', 'finetuning', 'FineTuningTaskDone'], { env: env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('$.taskId (--taskId): is required but missing');
  });
});

describe.skipIf(!hasScript)('on a terminal (pseudo-terminal via script)', () => {
  it('draws a live progress bar for wait, and prints a table for a page of items', async () => {
    let poll = 0;
    const sequence = [{ runStatus: 'Running', runProgress: '25%' }, { runStatus: 'Running', runProgress: '75%' }, { runStatus: 'Done' }];
    server.handler = consoleLike(() => ({ taskId: 'task-1', ...sequence[Math.min(poll++, 2)] }));
    const waited = await runCliInTerminal(['wait', 'finetuning', 'FineTuningTaskDone', '--taskId', 'task-1', '--interval-ms', '5'], { env: env() });
    expect(waited.code).toBe(0);
    const redraws = waited.stdout.split('\r\x1b[K').slice(1);
    expect(redraws[0]).toMatch(/^FineTuningTaskDone \[█{6}░{18}\] {2}25% {2}Running {2}\(poll 1, \d+s\)$/);
    expect(redraws[1]).toMatch(/^FineTuningTaskDone \[█{18}░{6}\] {2}75% {2}Running {2}\(poll 2, \d+s\)$/);
    expect(redraws[2]).toMatch(/^FineTuningTaskDone \[█{24}\] 100% {2}Done {2}\(poll 3, \d+s\)\r\n/);
    // On a terminal the answer is YAML.
    expect(redraws[2]).toContain('requestId: req-1\r\nresult:\r\n  taskId: task-1\r\n  runStatus: Done\r\n');

    server.handler = pagedJobs(3);
    const page = await runCliInTerminal(['call', 'finetuning', 'DescribeFineTuningJobs'], { env: env() });
    expect(page.stdout).toMatch(/^JOBID\s+NAME\r\njob-000\s+name of job-000\r\n/);
  });

  it('shows page progress on stderr for --all', async () => {
    server.handler = pagedJobs(25);
    const result = await runCliInTerminal(['call', 'finetuning', 'DescribeFineTuningJobs', '--all', '--page-size', '10'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('\r\x1b[Kfetched 1 page, 10 items…\r\x1b[Kfetched 2 pages, 20 items…\r\x1b[Kfetched 3 pages, 25 items…\r\x1b[K');
    expect(result.stdout).toMatch(/job-024\s+name of job-024\r\n$/);
  });
});

if (!hasScript) console.warn('skipping the terminal tests: util-linux script(1) is not installed');
