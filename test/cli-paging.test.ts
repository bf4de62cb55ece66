/**
 * The command's lines, run in-process (test/support/cli-run.ts), against a loopback server that verifies every signature:
 * call --all and --max-items: pages collected, progress and loops.
 * Shared setup: test/support/cli-console.ts.
 */
import { describe, expect, it } from 'vitest';
import { pagedJobs, useCliConsole } from './support/cli-console.js';
import { consoleLike } from './support/verifying-server.js';

const { server, call } = useCliConsole();

describe('call --all', () => {
  it("collects 250 jobs over three pages of the descriptor's maximum (100) into one list where a page keeps it", async () => {
    server.handler = pagedJobs(250);
    const result = await call(['finetuning', 'DescribeFineTuningJobs', '--all']);
    expect(result.code).toBe(0);
    const all = JSON.parse(result.stdout) as { requestIds: string[]; result: { jobList: { jobId: string }[] } };
    expect(all.result.jobList.map((j) => j.jobId)).toEqual(Array.from({ length: 250 }, (_, i) => `job-${String(i).padStart(3, '0')}`));
    expect(all.requestIds).toHaveLength(3);
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([
      { maxKeys: 100 },
      { maxKeys: 100, marker: 'job-100' },
      { maxKeys: 100, marker: 'job-200' },
    ]);
    expect(result.stderr).toBe(''); // progress only on a terminal
  });

  it('--max-items stops early, asks for no more than it needs, and says so on stderr', async () => {
    server.handler = pagedJobs(25);
    const result = await call(['finetuning', 'DescribeFineTuningJobs', '--page-size', '10', '--max-items', '15']);
    expect(result.code).toBe(0);
    const all = JSON.parse(result.stdout) as { result: { jobList: { jobId: string }[] } };
    expect(all.result.jobList.map((j) => j.jobId)).toEqual(Array.from({ length: 15 }, (_, i) => `job-${String(i).padStart(3, '0')}`));
    expect(server.requests).toHaveLength(2);
    expect(result.stderr).toBe('stopped at --max-items 15: more items remain\n');
    server.requests.length = 0;
    const small = await call(['finetuning', 'DescribeFineTuningJobs', '--max-items', '5']);
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([{ maxKeys: 5 }]);
    expect(small.stderr).toBe('stopped at --max-items 5: more items remain\n');
    const exact = await call(['finetuning', 'DescribeFineTuningJobs', '--max-items', '25']);
    expect(exact.stderr).toBe('');
  });

  it('sends --page-size as the page-size field', async () => {
    server.handler = pagedJobs(25);
    const result = await call(['finetuning', 'DescribeFineTuningJobs', '--all', '--page-size', '20', '-o', 'table']);
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([{ maxKeys: 20 }, { maxKeys: 20, marker: 'job-020' }]);
    expect(result.stdout.split('\n')[0]).toMatch(/^JOBID\s+NAME$/);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(26);
  });

  it('exits 3 rather than loop when the console repeats a marker, and 2 for an action that does not page', async () => {
    server.handler = consoleLike(() => ({ jobList: [{ jobId: 'j' }], pageInfo: { isTruncated: true, nextMarker: 'job-same' } }));
    const loop = await call(['finetuning', 'DescribeFineTuningJobs', '--all']);
    expect(loop.code).toBe(3);
    expect(loop.stderr).toContain('RepeatedPageMarker');
    expect(server.requests).toHaveLength(2);
    const notPaged = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't', '--all']);
    expect(notPaged.code).toBe(2);
    expect(notPaged.stderr).toContain('actions of /v2/finetuning that page: DescribeFineTuningJobs, DescribeFineTuningTasks');
  });
});
