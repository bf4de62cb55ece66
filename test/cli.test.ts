/**
 * The real command, run as a child process against a loopback server that verifies every signature.
 * What the server received is the proof of what the command sent.
 */
import { chmodSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasScript, runCli, runCliInTerminal } from './support/cli-process.js';
import { startConnectProxy } from './support/connect-proxy.js';
import { consoleLike, useVerifyingServer, type Handler, type ReceivedRequest } from './support/verifying-server.js';

const AK = 'ALTAKclitest0123456789';
const SK = 'cli-secret-key-never-shown-4567';
const STAGING_AK = 'ALTAKstaging0000000001';
const STAGING_SK = 'staging-secret-never-shown-8901';
const server = useVerifyingServer({ [AK]: SK, [STAGING_AK]: STAGING_SK });
const work = mkdtempSync(join(tmpdir(), 'qf-cli-'));

function env(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK, QIANFAN_CONSOLE_API_BASE_URL: server.url, ...extra };
}

const call = (args: string[], extra: { env?: Record<string, string | undefined>; input?: string } = {}) =>
  runCli(['call', ...args], { env: extra.env ?? env(), ...(extra.input === undefined ? {} : { input: extra.input }) });

const sentBody = (index = 0): unknown => JSON.parse(server.requests[index]!.body);

/** A console that pages `total` jobs, `maxKeys` at a time (10 by default), from the marker on. */
function pagedJobs(total: number): Handler {
  const ids = Array.from({ length: total }, (_, i) => `job-${String(i).padStart(3, '0')}`);
  return consoleLike((request: ReceivedRequest) => {
    const body = JSON.parse(request.body) as { marker?: string; maxKeys?: number };
    const start = body.marker ? ids.indexOf(body.marker) : 0;
    const size = body.maxKeys ?? 10;
    const page = ids.slice(start, start + size);
    const next = ids[start + size];
    return {
      jobList: page.map((jobId) => ({ jobId, name: `name of ${jobId}` })),
      pageInfo: { marker: body.marker ?? '', maxKeys: size, isTruncated: next !== undefined, nextMarker: next ?? '' },
    };
  });
}

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

describe('call: attempts, attempt timeout and validation from flags or the environment', () => {
  const unavailable = () => ({ status: 503, body: { requestId: 'r503', code: 'ServiceUnavailable', message: 'try later' } });

  it('--max-attempts and QIANFAN_CONSOLE_API_RETRY_COUNT set the attempts; the flag wins; the message says how many were made', async () => {
    server.handler = unavailable;
    const once = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't', '--max-attempts', '1']);
    // Still failing after the retries: exit 4, try again later (a refusal such as a 404 stays exit 1).
    expect(once.code).toBe(4);
    expect(once.stderr).toBe(
      'qianfan-console: the console is failing DescribeFineTuningTask (/v2/finetuning); try again later: ServiceUnavailable: try later [HTTP 503, requestId r503]\n',
    );
    expect(server.requests).toHaveLength(1);
    const twice = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't'], { env: env({ QIANFAN_CONSOLE_API_RETRY_COUNT: '2' }) });
    expect(twice.stderr).toContain('[HTTP 503, requestId r503, after 2 attempts]');
    expect(server.requests).toHaveLength(3);
    await call(['--max-attempts', '1', 'finetuning', 'DescribeFineTuningTask', '--taskId', 't'], { env: env({ QIANFAN_CONSOLE_API_RETRY_COUNT: '2' }) });
    expect(server.requests).toHaveLength(4);
  });

  it('--attempt-timeout-ms bounds each attempt (exit 3); --validation off sends what strict refuses', async () => {
    server.handler = () => ({ hang: true });
    const slow = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't', '--attempt-timeout-ms', '300', '--max-attempts', '1']);
    expect(slow.code).toBe(3);
    expect(slow.stderr).toContain('TimeoutError RequestTimeout');
    server.handler = consoleLike(() => true);
    const strict = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't', '--newField', 'x', '--validation', 'strict']);
    expect(strict.code).toBe(2);
    const off = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't', '--newField', 'x', '--validation', 'off']);
    expect(off.code).toBe(0);
    expect(server.requests.map((r) => JSON.parse(r.body))).toEqual([{ taskId: 't' }, { taskId: 't', newField: 'x' }]);
  });

  it('refuses malformed values naming the flag, sending nothing', async () => {
    for (const [flag, value, message] of [
      ['--max-attempts', '0', '--max-attempts takes a positive whole number of attempts, got "0"'],
      ['--attempt-timeout-ms', 'soon', '--attempt-timeout-ms takes a positive whole number of milliseconds, got "soon"'],
      ['--validation', 'loose', '--validation takes strict, compatible, off, got "loose"'],
    ] as const) {
      const result = await call(['finetuning', 'DescribeFineTuningTask', '--taskId', 't', flag, value]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('call through a proxy', () => {
  it('--proxy, or HTTP(S)_PROXY unless NO_PROXY names the host; never for a loopback endpoint', async () => {
    const port = new URL(server.url).port;
    // console.test resolves nowhere: the proxy sends its tunnels to the verifying server.
    const proxy = await startConnectProxy(() => ({ host: '127.0.0.1', port: Number(port) }));
    try {
      const remote = `http://console.test:${port}`;
      const viaEnv = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--endpoint', remote], { env: env({ HTTP_PROXY: proxy.url }) });
      expect(viaEnv.code).toBe(0);
      expect(proxy.tunnels).toEqual([`console.test:${port}`]);
      expect(server.requests[0]?.authProblem).toBeNull();
      const viaFlag = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--proxy', proxy.url]);
      expect(viaFlag.code).toBe(0);
      expect(proxy.tunnels).toEqual([`console.test:${port}`, `127.0.0.1:${port}`]);
      // Loopback endpoints and NO_PROXY hosts go direct.
      expect((await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], { env: env({ HTTP_PROXY: proxy.url }) })).code).toBe(0);
      const bypassed = await call(
        ['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--endpoint', remote, '--max-attempts', '1', '--attempt-timeout-ms', '3000'],
        { env: env({ http_proxy: proxy.url, NO_PROXY: 'example.com,.test' }) },
      );
      expect(bypassed.code).toBe(3);
      expect(proxy.tunnels).toHaveLength(2);
      expect(server.requests).toHaveLength(3);
    } finally {
      await proxy.close();
    }
  });
});

describe('call --dry-run', () => {
  it('prints the exact signed request with the signature and sensitive fields masked, and sends nothing', async () => {
    const result = await call(
      [
        'batchinference',
        'CreateBatchInferenceTask',
        '--name',
        'nightly',
        '--modelId',
        'amv-1',
        '--inferenceParams',
        '{}',
        '--afsConfig.userName',
        'u',
        '--afsConfig.password',
        'afs-password-secret',
        '--dry-run',
      ],
      { env: env({ QIANFAN_SESSION_TOKEN: 'sts-token-never-shown' }) },
    );
    expect(result.code).toBe(0);
    expect(server.requests).toHaveLength(0);
    const shown = JSON.parse(result.stdout) as { method: string; url: string; headers: Record<string, string>; body: Record<string, unknown> };
    expect(shown.method).toBe('POST');
    expect(shown.url).toBe(`${server.url}/v2/batchinference?Action=CreateBatchInferenceTask`);
    expect(shown.headers['authorization']).toMatch(
      new RegExp(
        `^bce-auth-v1/${AK}/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ/1800/content-type;host;x-bce-date;x-bce-security-token/[0-9a-f]{4}…\\(masked\\)$`,
      ),
    );
    expect(shown.headers['x-bce-security-token']).toBe('***');
    expect(shown.headers['host']).toBe(new URL(server.url).host);
    expect(shown.body).toEqual({ name: 'nightly', modelId: 'amv-1', inferenceParams: {}, afsConfig: { userName: 'u', password: '***' } });
    for (const secret of [SK, 'afs-password-secret', 'sts-token-never-shown']) expect(result.stdout + result.stderr).not.toContain(secret);

    const text = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 'task-9', '--dry-run', '-o', 'table']);
    expect(text.stdout).toMatch(new RegExp(`^POST ${server.url}/v2/finetuning\\?Action=DeleteFineTuningTask\\n`));
    expect(text.stdout).toMatch(/\nauthorization: bce-auth-v1\/.*\/[0-9a-f]{4}…\(masked\)\n/);
    expect(text.stdout.endsWith('\n\n{"taskId":"task-9"}\n')).toBe(true);
    expect(server.requests).toHaveLength(0);
  });
});

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

describe('profiles', () => {
  const file = join(work, 'config');
  writeFileSync(
    file,
    `# qianfan-console profiles
[default]
access_key = ${AK}
secret_key = ${SK}

[staging]
access_key = ${STAGING_AK}
secret_key = ${STAGING_SK}
endpoint = http://placeholder.invalid
`,
    { mode: 0o600 },
  );
  chmodSync(file, 0o600);

  it('reads [default], a named profile, and lets the environment and then flags override it', async () => {
    const base = { QIANFAN_CONFIG_FILE: file, QIANFAN_CONSOLE_API_BASE_URL: server.url };
    const byDefault = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], { env: base });
    expect(byDefault.code).toBe(0);
    expect(server.requests[0]!.headers['authorization']).toContain(`/${AK}/`);

    // The profile's endpoint loses to the environment's; its keys are used.
    const staging = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--profile', 'staging'], { env: base });
    expect(staging.code).toBe(0);
    expect(server.requests[1]!.headers['authorization']).toContain(`/${STAGING_AK}/`);

    // The environment's keys beat the profile of QIANFAN_PROFILE; a profile named by --profile beats the
    // environment's keys; flags beat everything.
    await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], {
      env: { ...base, QIANFAN_PROFILE: 'staging', QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK },
    });
    expect(server.requests[2]!.headers['authorization']).toContain(`/${AK}/`);
    await call(['--access-key', STAGING_AK, '--secret-key', STAGING_SK, 'finetuning', 'DeleteFineTuningTask', '--taskId', 't'], {
      env: { ...base, QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK },
    });
    expect(server.requests[3]!.headers['authorization']).toContain(`/${STAGING_AK}/`);
    await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--profile', 'staging'], {
      env: { ...base, QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK },
    });
    expect(server.requests[4]!.headers['authorization']).toContain(`/${STAGING_AK}/`);
    expect(server.requests.every((r) => r.authProblem === null)).toBe(true);

    const endpointFromProfile = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--profile', 'staging', '--dry-run'], {
      env: { QIANFAN_CONFIG_FILE: file },
    });
    expect(JSON.parse(endpointFromProfile.stdout).url).toBe('http://placeholder.invalid/v2/finetuning?Action=DeleteFineTuningTask');
  });

  it('takes the credentials as one set: a key from one place never pairs with a token or secret from another', async () => {
    const withToken = join(work, 'config-with-token');
    writeFileSync(withToken, `[default]\naccess_key = ${STAGING_AK}\nsecret_key = ${STAGING_SK}\nsession_token = profile-sts-token\n`, { mode: 0o600 });
    chmodSync(withToken, 0o600);
    const env = { QIANFAN_CONFIG_FILE: withToken, QIANFAN_CONSOLE_API_BASE_URL: server.url, QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK };
    const shown = JSON.parse((await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--dry-run'], { env })).stdout) as {
      headers: Record<string, string>;
    };
    expect(shown.headers['authorization']).toContain(`/${AK}/`);
    expect(shown.headers['x-bce-security-token']).toBeUndefined();
    // The environment holds only the access key: the set is the environment's, and incomplete.
    const half = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], {
      env: { QIANFAN_CONFIG_FILE: withToken, QIANFAN_CONSOLE_API_BASE_URL: server.url, QIANFAN_ACCESS_KEY: AK },
    });
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('QIANFAN_SECRET_KEY');
    // Without keys in the environment, the profile's whole set is used, its token included.
    const fromProfile = JSON.parse(
      (
        await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--dry-run'], {
          env: { QIANFAN_CONFIG_FILE: withToken, QIANFAN_CONSOLE_API_BASE_URL: server.url },
        })
      ).stdout,
    ) as { headers: Record<string, string> };
    expect(fromProfile.headers['authorization']).toContain(`/${STAGING_AK}/`);
    expect(fromProfile.headers['x-bce-security-token']).toBe('***');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a profile that is not there, warns when others may read the file, and never prints a secret', async () => {
    const missing = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't', '--profile', 'prod'], { env: { QIANFAN_CONFIG_FILE: file } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no profile [prod]');
    expect(missing.stderr).toContain('[default], [staging]');

    const open = join(work, 'open-config');
    writeFileSync(open, `[default]\naccess_key = ${AK}\nsecret_key = ${SK}\nsecretkey = typo-${SK}\n`);
    chmodSync(open, 0o644);
    const warned = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], {
      env: { QIANFAN_CONFIG_FILE: open, QIANFAN_CONSOLE_API_BASE_URL: server.url },
    });
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain(`may be read by others (mode 644); run: chmod 600 ${open}`);
    expect(warned.stderr).toContain('unknown key "secretkey"');
    expect(warned.stdout + warned.stderr).not.toContain(SK);

    const broken = join(work, 'broken-config');
    writeFileSync(broken, `[default]\n${SK}\n`, { mode: 0o600 });
    const refused = await call(['finetuning', 'DeleteFineTuningTask', '--taskId', 't'], { env: { QIANFAN_CONFIG_FILE: broken } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${broken}:2: expected`);
    expect(refused.stderr).not.toContain(SK);
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

function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
