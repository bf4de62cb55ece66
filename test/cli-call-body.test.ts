/**
 * The command's lines, run in-process (test/support/cli-run.ts), against a loopback server that verifies every signature:
 * call: the request body built from flags, --body files and stdin.
 * Shared setup: test/support/cli-console.ts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliConsole } from './support/cli-console.js';

const { server, work, call, sentBody } = useCliConsole();

describe('call: the body from flags', () => {
  it('types flags from the schema and signs the request', async () => {
    const result = await call(['finetuning', 'DescribeFineTuningJobs', '--maxKeys', '5', '--pageReverse', '--trainMode', 'SFT']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ requestId: 'req-1', result: true });
    const request = server.requests[0]!;
    expect(request.authProblem).toBeNull();
    expect(request.query.get('Action')).toBe('DescribeFineTuningJobs');
    expect(sentBody()).toEqual({ maxKeys: 5, pageReverse: true, trainMode: 'SFT' });
  });

  it('keeps string fields as text even when they look like numbers, and takes --flag=value and booleans as words', async () => {
    await call(['finetuning', 'DescribeFineTuningJobs', '--model=123', '--pageReverse', 'false']);
    expect(sentBody()).toEqual({ model: '123', pageReverse: false });
  });

  it('builds lists from repeated flags or JSON, and objects from JSON or dotted flags over --body', async () => {
    await call(['batchinference', 'DescribeBatchInferenceTasks', '--runStatus', 'Running', '--runStatus', 'Done']);
    expect(sentBody()).toEqual({ runStatus: ['Running', 'Done'] });
    server.requests.length = 0;
    await call(['batchinference', 'DescribeBatchInferenceTasks', '--runStatus', '["Failed"]']);
    expect(sentBody()).toEqual({ runStatus: ['Failed'] });

    server.requests.length = 0;
    const file = join(work, 'task.json');
    writeFileSync(
      file,
      JSON.stringify({
        jobId: 'job-from-file',
        hyperParameterConfig: { epoch: 1 },
        datasetConfig: { sourceType: 'Platform', versions: [{ versionId: 'v-1' }] },
      }),
    );
    const result = await call([
      'finetuning',
      'CreateFineTuningTask',
      '--body',
      `@${file}`,
      '--jobId',
      'job-from-flag',
      '--hyperParameterConfig.learningRate',
      '0.0003',
      '--datasetConfig.splitRatio',
      '20',
      '--resourceConfig',
      '{"resourceId": "pool-1"}',
    ]);
    expect(result.stderr).toBe('');
    expect(sentBody()).toEqual({
      jobId: 'job-from-flag',
      hyperParameterConfig: { epoch: 1, learningRate: 0.0003 },
      datasetConfig: { sourceType: 'Platform', versions: [{ versionId: 'v-1' }], splitRatio: 20 },
      resourceConfig: { resourceId: 'pool-1' },
    });
  });

  it('reads --body - from stdin', async () => {
    const result = await call(['finetuning', 'DeleteFineTuningTask', '--body', '-'], { input: '{"taskId": "task-stdin"}' });
    expect(result.code).toBe(0);
    expect(sentBody()).toEqual({ taskId: 'task-stdin' });
  });

  it('refuses dotted flags that would reach a prototype, and sends nothing', async () => {
    for (const flag of ['--__proto__.polluted', '--constructor.prototype.polluted', '--hyperParameterConfig.__proto__', '--datasetConfig.prototype']) {
      const result = await call(['finetuning', 'DescribeFineTuningJobs', flag, 'yes']);
      expect(result.code, flag).toBe(2);
      expect(result.stderr).toContain('refused in a flag name');
    }
    const viaBody = await call(['finetuning', 'DescribeFineTuningJobs', '--body', '{"__proto__": {"polluted": 1}}', '--__proto__.x', '1']);
    expect(viaBody.code).toBe(2);
    expect(server.requests).toHaveLength(0);
  });
});
