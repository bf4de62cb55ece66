/**
 * The command's lines, run in-process (test/support/cli-run.ts) against a loopback server that verifies
 * every signature: help, version, usage errors, list and describe.
 * Shared setup: test/support/cli-console.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliConsole } from './support/cli-console.js';
import { runCli } from './support/cli-run.js';

const { work, call, sentBody } = useCliConsole();

describe('help, version and usage errors', () => {
  it('prints help and the version, and exits 2 naming an unknown command', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('call ROUTE ACTION');
    expect(help.stdout).toContain('chmod 600');
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const unknown = await runCli(['lsit']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean list?');
    expect(unknown.stdout).toBe('');
  });

  it('fits help to COLUMNS: paragraphs reflowed under their text, list items apart, commands to copy whole', async () => {
    const asWritten = (await runCli(['--help'])).stdout;
    expect(asWritten.split('\n').some((line) => line.length > 80)).toBe(true);
    const narrow = await runCli(['--help'], { env: { COLUMNS: '72' } });
    const lines = narrow.stdout.split('\n');
    expect(lines.filter((line) => line.length > 72)).toEqual([]);
    // An option's description continues under itself, and the next option starts its own line.
    const endpoint = lines.findIndex((line) => line.startsWith('  --endpoint URL'));
    expect(lines[endpoint + 1]).toMatch(/^ {24}\S/);
    expect(lines.slice(endpoint, endpoint + 4).filter((line) => line.startsWith('  --proxy URL'))).toHaveLength(1);
    // Nothing is lost or added but line breaks and the spaces around them.
    const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
    expect(words(narrow.stdout)).toEqual(words(asWritten));

    const action = await runCli(['call', 'finetuning', 'CreateFineTuningJob', '--help'], { env: { COLUMNS: '80' } });
    const actionLines = action.stdout.split('\n');
    expect(actionLines.filter((line) => line.length > 80).every((line) => line.trimStart().startsWith('qianfan-console call'))).toBe(true);
    expect(actionLines).toContain('Usage: qianfan-console call ROUTE ACTION [--FIELD VALUE…] [--body JSON|@FILE|-]');
    expect(actionLines.filter((line) => /^ {2}- /.test(line))).toHaveLength(3);
  });

  it('generates help for an action from its descriptor, flags, types and examples included', async () => {
    const result = await runCli(['call', 'finetuning', 'CreateFineTuningTask', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--jobId <string>   required');
    expect(result.stdout).toContain('--parameterScale <FullFineTuning|PromptTuning|LoRA>');
    expect(result.stdout).toContain('--datasetConfig.sourceType <Platform|Bos|Afs>   required');
    expect(result.stdout).toContain('--datasetConfig.splitRatio <integer>   0..100');
    expect(result.stdout).toContain('qianfan-console call finetuning CreateFineTuningTask --jobId job-1xzycis4jm3b');
  });

  it('gives a dropped-in descriptor flags, help and validation with no code', async () => {
    const dir = join(work, 'dropped');
    mkdirSync(join(dir, 'widgets'), { recursive: true });
    writeFileSync(
      join(dir, 'widgets', 'CreateWidget.yaml'),
      `action: CreateWidget
route: /v2/widgets
summary: Make a widget.
docs: https://example.invalid/widgets
idempotent: false
body:
  type: object
  additionalProperties: false
  required: [size]
  properties:
    size: { type: integer, minimum: 1, description: How big. }
    tags: { type: array, items: { type: string } }
    shape: { type: object, properties: { corners: { type: integer } } }
result: { type: object }
`,
    );
    const list = await runCli(['list', 'widgets', '--actions-path', dir]);
    expect(JSON.parse(list.stdout)).toEqual([{ route: '/v2/widgets', action: 'CreateWidget', summary: 'Make a widget.', pages: false, waiters: [] }]);
    const help = await runCli(['call', 'widgets', 'CreateWidget', '--help', '--actions-path', dir]);
    expect(help.stdout).toContain('--size <integer>   required · ≥ 1');
    expect(help.stdout).toContain('--shape.corners <integer>');
    const sent = await call(['widgets', 'CreateWidget', '--size', '3', '--tags', 'a', '--tags', 'b', '--shape.corners', '4', '--actions-path', dir]);
    expect(sent.code).toBe(0);
    expect(sentBody()).toEqual({ size: 3, tags: ['a', 'b'], shape: { corners: 4 } });
    const refused = await call(['widgets', 'CreateWidget', '--size', '0', '--actions-path', dir, '--validation', 'strict']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('$.size (--size): must be >= 1');
  });
});

describe('list and describe', () => {
  it('lists actions as JSON on a pipe and as a table when asked', async () => {
    const json = await runCli(['list']);
    expect(json.code).toBe(0);
    const actions = JSON.parse(json.stdout) as { route: string; action: string; pages: boolean; waiters: string[] }[];
    expect(actions).toContainEqual(expect.objectContaining({ route: '/v2/finetuning', action: 'DescribeFineTuningJobs', pages: true }));
    expect(actions).toContainEqual(expect.objectContaining({ action: 'DescribeFineTuningTask', waiters: ['FineTuningTaskDone'] }));
    const table = await runCli(['list', '/v2/finetuning', '--output', 'table']);
    expect(table.stdout.split('\n')[0]).toMatch(/^ACTION\s+SUMMARY\s+ALSO$/); // one route: no ROUTE column
    expect(table.stdout).toMatch(/DescribeFineTuningTask\s+Show one training task.*wait FineTuningTaskDone/);
    const missing = await runCli(['list', 'nosuch']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/v2/finetuning');
  });

  it('describes an action: parameters with type, required and range; result shape; waiters', async () => {
    const json = await runCli(['describe', 'finetuning', 'DescribeFineTuningJobs']);
    const described = JSON.parse(json.stdout) as { parameters: { name: string; type: string; notes: string[] }[]; pagination: { items: string } };
    expect(described.parameters).toContainEqual(
      expect.objectContaining({ name: 'maxKeys', type: 'integer', required: false, notes: ['1..100', 'default 10'] }),
    );
    expect(described.pagination.items).toBe('jobList');
    const text = await runCli(['describe', 'finetuning', 'DescribeFineTuningTask', '-o', 'table']);
    expect(text.stdout).toContain('runStatus <Waiting|Running|Done|Stopped|Failed>');
    expect(text.stdout).toContain('qianfan-console wait finetuning FineTuningTaskDone --taskId …');
    const unknown = await runCli(['describe', 'finetuning', 'DescribeNothing']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('DescribeFineTuningTask');
  });
});
