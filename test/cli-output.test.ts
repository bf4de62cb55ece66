/**
 * The command as people and scripts meet it: tables that fit an 80-column terminal (COLUMNS, as a
 * shell exports it), tab-separated text, --query, near-miss names refused before sending, and a wait
 * that gives up on an endpoint that refuses connections.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli-run.js';
import { consoleLike, useVerifyingServer } from './support/verifying-server.js';

const AK = 'ALTAKoutputtest000000001';
const SK = 'output-secret-key-never-shown-01';
const server = useVerifyingServer({ [AK]: SK });
const env = (extra: Record<string, string> = {}) => ({ QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK, QIANFAN_CONSOLE_API_BASE_URL: server.url, ...extra });

const LONG_TEXT = 'a description long enough that it cannot possibly share an eighty column line with the ids beside it';
const JOBS = [
  { jobId: 'job-aaaaaaaaaaaaaaaa-first', name: 'nightly-sft-experiment-001', description: LONG_TEXT, remark: '' },
  { jobId: 'job-aaaaaaaaaaaaaaaa-second', name: 'nightly-sft-experiment-002', description: LONG_TEXT, remark: '' },
];

describe('tables at 80 columns', () => {
  it('list: every line fits, every action name appears whole (no two alike), free text wraps', async () => {
    const json = await runCli(['list']);
    const actions = (JSON.parse(json.stdout) as { action: string }[]).map((a) => a.action);
    const table = await runCli(['list', '-o', 'table'], { env: { COLUMNS: '80' } });
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(table.stdout).not.toContain('…');
    const rowStarts = lines.slice(1).filter((l) => !l.startsWith(' ')); // continuation lines start under SUMMARY
    const shownActions = rowStarts.map((l) => l.split(/\s{2,}/)[1]);
    expect(shownActions).toEqual(actions);
  });

  it('items: ids and names are never cut, the empty column goes, the long text wraps under its column', async () => {
    server.handler = consoleLike(() => ({ jobList: JOBS, pageInfo: { isTruncated: false } }));
    const result = await runCli(['call', 'finetuning', 'DescribeFineTuningJobs', '-o', 'table'], { env: env({ COLUMNS: '80' }) });
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^JOBID\s+NAME\s+DESCRIPTION$/); // REMARK is empty in every row
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(80);
    for (const job of JOBS) expect(result.stdout).toMatch(new RegExp(`^${job.jobId} +${job.name}  `, 'm'));
    const descriptionAt = lines[0]!.indexOf('DESCRIPTION');
    const firstRow = lines.slice(
      1,
      lines.findIndex((l, i) => i > 1 && l.startsWith('job-')),
    );
    expect(firstRow.length).toBeGreaterThan(1);
    expect(firstRow.map((l) => l.slice(descriptionAt).trim()).join(' ')).toBe(LONG_TEXT);
  });
});

describe('-o text and --query', () => {
  it('prints one tab-separated record a line, and applies JMESPath to the printed document', async () => {
    server.handler = consoleLike(() => ({ jobList: JOBS, pageInfo: { isTruncated: false } }));
    const text = await runCli(['call', 'finetuning', 'DescribeFineTuningJobs', '-o', 'text'], { env: env() });
    expect(text.stdout).toBe(JOBS.map((j) => [j.jobId, j.name, j.description, ''].join('\t') + '\n').join(''));

    const names = await runCli(['call', 'finetuning', 'DescribeFineTuningJobs', '--query', 'result.jobList[].name', '-o', 'text'], { env: env() });
    expect(names.stdout).toBe(`${JOBS[0]!.name}\n${JOBS[1]!.name}\n`);
    const ids = await runCli(['call', 'finetuning', 'DescribeFineTuningJobs', '--query', "result.jobList[?ends_with(jobId, 'second')].jobId | [0]"], {
      env: env(),
    });
    expect(JSON.parse(ids.stdout)).toBe(JOBS[1]!.jobId);

    const listed = await runCli(['list', 'finetuning', '--query', '[?pages].action', '-o', 'text']);
    expect(listed.stdout).toBe('DescribeFineTuningJobs\nDescribeFineTuningTasks\n');
  });

  it('refuses a malformed query before sending anything', async () => {
    const result = await runCli(['call', 'finetuning', 'DescribeFineTuningJobs', '--query', 'result.[', '-o', 'text'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--query "result.[" is not a JMESPath expression');
    expect(server.requests).toHaveLength(0);
  });
});

describe('near misses', () => {
  it('refuses a misspelt route or action naming the likely one, sends nothing; --force sends it', async () => {
    const route = await runCli(['call', 'finetunin', 'DescribeFineTuningJobs'], { env: env() });
    expect(route.code).toBe(2);
    expect(route.stderr).toContain('no route finetunin; did you mean finetuning?');
    const action = await runCli(['call', 'finetuning', 'DescribeFineTuningJob'], { env: env() });
    expect(action.code).toBe(2);
    expect(action.stderr).toContain('no action DescribeFineTuningJob on /v2/finetuning; did you mean DescribeFineTuningJobs?');
    const waitRoute = await runCli(['wait', 'finetunin', 'FineTuningTaskDone', '--taskId', 't'], { env: env() });
    expect(waitRoute.code).toBe(2);
    expect(waitRoute.stderr).toContain('did you mean finetuning?');
    expect(server.requests).toHaveLength(0);

    server.handler = consoleLike(() => ({ jobList: [] }));
    const forced = await runCli(['call', 'finetuning', 'DescribeFineTuningJob', '--force'], { env: env() });
    expect(forced.code).toBe(0);
    expect(server.requests.map((r) => r.query.get('Action'))).toEqual(['DescribeFineTuningJob']);
  });
});

describe('wait against an endpoint that refuses connections', () => {
  it('gives up after 5 polls in a row could not connect, exit 3, naming the endpoint', async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const endpoint = `http://127.0.0.1:${closed}`;
    const result = await runCli(['wait', 'finetuning', 'FineTuningTaskDone', '--taskId', 't', '--interval-ms', '1', '--max-attempts', '1'], {
      env: env({ QIANFAN_CONSOLE_API_BASE_URL: endpoint }),
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`gave up after 5 polls in a row could not connect to ${endpoint}`);
    expect(result.stderr.match(/poll failed/g)).toHaveLength(5);
  });
});
