/**
 * The command's lines, run in-process (test/support/cli-run.ts), against a loopback server that verifies every signature:
 * call: usage and validation errors, output formats, service and network errors.
 * Shared setup: test/support/cli-console.ts.
 */
import { describe, expect, it } from 'vitest';
import { closedPort, useCliConsole } from './support/cli-console.js';
import { runCli } from './support/cli-run.js';
import { consoleLike } from './support/verifying-server.js';

const { server, call } = useCliConsole();

describe('call: usage and validation errors exit 2 naming the field, and send nothing', () => {
  it('a missing required field', async () => {
    const result = await call(['finetuning', 'DescribeFineTuningTask']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('$.taskId (--taskId): is required but missing');
    expect(result.stdout).toBe('');
  });

  it('a number that is not a number, an enum value that is not allowed, an unknown flag', async () => {
    const number = await call(['finetuning', 'DescribeFineTuningJobs', '--maxKeys', 'ten']);
    expect(number.code).toBe(2);
    expect(number.stderr).toContain('--maxKeys takes a whole number, got "ten"');
    const range = await call(['finetuning', 'DescribeFineTuningJobs', '--maxKeys', '1000', '--validation', 'strict']);
    expect(range.code).toBe(2);
    expect(range.stderr).toContain('$.maxKeys (--maxKeys): must be <= 100');
    const enumValue = await call([
      'finetuning',
      'CreateFineTuningTask',
      '--body',
      '{"jobId":"j","hyperParameterConfig":{},"datasetConfig":{"sourceType":"Platform","versions":[{"versionId":"v"}]}}',
      '--parameterScale',
      'Huge',
      '--validation',
      'strict',
    ]);
    expect(enumValue.code).toBe(2);
    expect(enumValue.stderr).toContain('$.parameterScale (--parameterScale): must be one of "FullFineTuning", "PromptTuning", "LoRA"');
    const typo = await call(['finetuning', 'DescribeFineTuningTask', '--taskid', 't-1']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('did you mean "taskId"');
    expect(server.requests).toHaveLength(0);
  });

  it('missing credentials, and a bad --output', async () => {
    const noKeys = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't'], { env: { QIANFAN_CONSOLE_API_BASE_URL: server.url } });
    expect(noKeys.code).toBe(2);
    expect(noKeys.stderr).toContain(
      'give --access-key and --secret-key, set QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY, or put access_key and secret_key in a profile',
    );
    const output = await runCli(['list', '--output', 'xml']);
    expect(output.code).toBe(2);
    expect(output.stderr).toContain('--output takes json, yaml, table');
  });
});

describe('call: results, service errors and network errors', () => {
  it('prints YAML or a field table when asked', async () => {
    server.handler = consoleLike(() => ({ taskId: 'task-1', runStatus: 'Running', metrics: { 'BLEU-4': '16%' } }));
    const yaml = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 'task-1', '-o', 'yaml']);
    expect(yaml.stdout).toBe('requestId: req-1\nresult:\n  taskId: task-1\n  runStatus: Running\n  metrics:\n    BLEU-4: 16%\n');
    const table = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 'task-1', '-o', 'table']);
    expect(table.stdout).toMatch(/^FIELD\s+VALUE\ntaskId\s+task-1\nrunStatus\s+Running\nmetrics\.BLEU-4\s+16%\n$/);
  });

  it('exits 1 on a ServiceError, with code, message and requestId in one paragraph', async () => {
    server.handler = () => ({
      status: 400,
      headers: { 'x-bce-request-id': 'rid-400' },
      body: { requestId: 'rid-400', code: 'InappropriateJSON', message: 'param[splitRatio] invalid.' },
    });
    const result = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'qianfan-console: the console refused DescribeFineTuningTask (/v2/finetuning): InappropriateJSON: param[splitRatio] invalid. [HTTP 400, requestId rid-400]\n',
    );
  });

  it('exits 3 when the endpoint does not answer', async () => {
    const port = await closedPort();
    const result = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't', '--endpoint', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('NetworkError ECONNREFUSED');
  });

  it('exits 3 when the answer is not JSON', async () => {
    server.handler = () => ({ status: 200, raw: '<html>' });
    const result = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('ResponseError MalformedResponse');
  });
});
