/**
 * `qianfan-console mcp` as an agent meets it: the built command as a child process, spoken to over
 * stdio with the MCP SDK's own client, against the emulator on loopback with its demo keys.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from 'qianfan-console';
import { CLI, baseEnv, runCliProcess } from './support/cli-process.js';

interface McpSession {
  client: Client;
  /** Calls a tool; every answer, error or not, is checked for the secret key on the way. */
  call(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; json: Record<string, any> }>;
  stderr(): string;
}

let emulator: Emulator;
const sessions: McpSession[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ env: {} });
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.client.close()));
  await emulator?.close();
});

async function startMcp(flags: string[]): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, 'mcp', '--endpoint', emulator.url, ...flags],
    env: baseEnv({ QIANFAN_ACCESS_KEY: emulator.accessKey, QIANFAN_SECRET_KEY: emulator.secretKey }),
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'mcp-test', version: '1.0.0' });
  await client.connect(transport);
  const session: McpSession = {
    client,
    async call(name, args) {
      const answer = await client.callTool({ name, arguments: args });
      const text = (answer.content as Array<{ type: string; text: string }>)[0]!.text;
      expect(text).not.toContain(emulator.secretKey);
      return { isError: answer.isError === true, json: JSON.parse(text) as Record<string, any> };
    },
    stderr: () => stderr,
  };
  sessions.push(session);
  return session;
}

const callsOf = (action: string) => emulator.calls.filter((c) => c.action === action);
const JOB = { model: 'ERNIE-Speed-8K', trainMode: 'SFT' };

describe('mcp, read-only (the default)', () => {
  let mcp: McpSession;
  beforeAll(async () => {
    mcp = await startMcp([]);
  });

  it('initializes and offers three tools, call_action marked read-only', async () => {
    expect(mcp.client.getServerVersion()?.name).toBe('qianfan-console');
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['call_action', 'describe_action', 'list_actions']);
    const call = tools.find((t) => t.name === 'call_action')!;
    expect(call.annotations?.readOnlyHint).toBe(true);
    expect(call.inputSchema.required).toEqual(['route', 'action']);
  });

  it('lists a route with summaries, writes and paging', async () => {
    const { isError, json } = await mcp.call('list_actions', { route: 'finetuning' });
    expect(isError).toBe(false);
    const byName = Object.fromEntries(json['actions'].map((a: { action: string }) => [a.action, a]));
    expect(byName['DescribeFineTuningJobs']).toEqual({
      route: '/v2/finetuning',
      action: 'DescribeFineTuningJobs',
      summary: expect.stringContaining('fine-tuning jobs'),
      writes: false,
      pages: true,
    });
    expect(byName['CreateFineTuningJob'].writes).toBe(true);
    // Idempotent, and still a write.
    expect(byName['DeleteFineTuningJob'].writes).toBe(true);
    expect(json['actions'].every((a: { route: string }) => a.route === '/v2/finetuning')).toBe(true);
  });

  it('describes an action: schemas, examples, paging', async () => {
    const { isError, json } = await mcp.call('describe_action', { route: '/v2/finetuning', action: 'DescribeFineTuningJobs' });
    expect(isError).toBe(false);
    expect(json['body'].properties.maxKeys).toMatchObject({ type: 'integer', minimum: 1 });
    expect(json['result'].properties.jobList.type).toBe('array');
    expect(json['pagination']).toMatchObject({ inputToken: 'marker', items: 'jobList' });
    expect(json['examples'].length).toBeGreaterThan(0);
    expect(json['writes']).toBe(false);
    expect(json).not.toHaveProperty('emulation');
  });

  it('an unknown action is a tool error listing the actions of its route', async () => {
    const { isError, json } = await mcp.call('describe_action', { route: 'finetuning', action: 'DescribeFineTuningJobz' });
    expect(isError).toBe(true);
    expect(json['error']).toMatchObject({ code: 'UnknownAction', message: expect.stringContaining('DescribeFineTuningJobs') });
  });

  it('calls a read', async () => {
    const before = callsOf('DescribeFineTuningJobs').length;
    const { isError, json } = await mcp.call('call_action', { route: 'finetuning', action: 'DescribeFineTuningJobs', body: { maxKeys: 5 } });
    expect(isError).toBe(false);
    expect(json['requestId']).toMatch(/\S/);
    expect(Array.isArray(json['result'].jobList)).toBe(true);
    expect(callsOf('DescribeFineTuningJobs').length).toBe(before + 1);
  });

  it('refuses writes, idempotent ones too, and sends nothing', async () => {
    for (const [action, body] of [
      ['CreateFineTuningJob', { name: 'refused', ...JOB }],
      ['DeleteFineTuningJob', { jobId: 'job-x' }],
    ] as const) {
      const { isError, json } = await mcp.call('call_action', { route: 'finetuning', action, body });
      expect(isError).toBe(true);
      expect(json['error']).toMatchObject({ code: 'WritesNotAllowed', message: expect.stringContaining('--allow-writes') });
      expect(callsOf(action)).toHaveLength(0);
    }
  });

  it('a dry run of a write shows the signed request, signature masked, and sends nothing', async () => {
    const { isError, json } = await mcp.call('call_action', {
      route: 'finetuning',
      action: 'CreateFineTuningJob',
      body: { name: 'dry', ...JOB },
      dryRun: true,
    });
    expect(isError).toBe(false);
    expect(json['request']).toMatchObject({ method: 'POST', url: `${emulator.url}/v2/finetuning?Action=CreateFineTuningJob`, body: { name: 'dry', ...JOB } });
    expect(json['request'].headers.authorization).toMatch(/^bce-auth-v1\/ALTAK\w+\/.*\(masked\)$/);
    expect(callsOf('CreateFineTuningJob')).toHaveLength(0);
  });

  it('a bad body is a tool error naming each field, and nothing is sent', async () => {
    const before = emulator.calls.length;
    // A wrong type and a misspelt field: what the default validation ('compatible') refuses.
    const { isError, json } = await mcp.call('call_action', { route: 'finetuning', action: 'DescribeFineTuningJobs', body: { maxKeys: '10', markerr: 'm' } });
    expect(isError).toBe(true);
    expect(json['error'].code).toBe('ValidationError');
    expect(json['error'].problems.map((p: { path: string }) => p.path).sort()).toEqual(['$.markerr', '$.maxKeys']);
    expect(emulator.calls.length).toBe(before);
  });

  it("the console's refusal comes back with its code", async () => {
    const { isError, json } = await mcp.call('call_action', { route: 'finetuning', action: 'DescribeFineTuningTask', body: { taskId: 'task-nope' } });
    expect(isError).toBe(true);
    expect(json['error']).toMatchObject({
      name: 'ServiceError',
      code: expect.stringMatching(/\w/),
      httpStatus: expect.any(Number),
      requestId: expect.stringMatching(/\S/),
    });
    expect(mcp.stderr()).not.toContain(emulator.secretKey);
  });
});

describe('mcp --allow-writes --routes finetuning', () => {
  let mcp: McpSession;
  beforeAll(async () => {
    mcp = await startMcp(['--allow-writes', '--routes', 'finetuning']);
  });

  it('sends writes, and a list action answers one page with the body for the next', async () => {
    for (const name of ['page-one', 'page-two']) {
      const created = await mcp.call('call_action', { route: 'finetuning', action: 'CreateFineTuningJob', body: { name, ...JOB } });
      expect(created).toMatchObject({ isError: false, json: { result: { jobId: expect.stringMatching(/^job-/) } } });
    }
    const first = await mcp.call('call_action', { route: 'finetuning', action: 'DescribeFineTuningJobs', body: { maxKeys: 1 } });
    expect(first.json['result'].jobList).toHaveLength(1);
    expect(first.json['nextMarker']).toMatch(/^job-/);
    expect(first.json['nextBody']).toEqual({ maxKeys: 1, marker: first.json['nextMarker'] });
    const second = await mcp.call('call_action', { route: 'finetuning', action: 'DescribeFineTuningJobs', body: first.json['nextBody'] });
    expect(second.json['result'].jobList[0].jobId).not.toBe(first.json['result'].jobList[0].jobId);
  });

  it('exposes only the routes it was given', async () => {
    const listed = await mcp.call('list_actions', {});
    expect(new Set(listed.json['actions'].map((a: { route: string }) => a.route))).toEqual(new Set(['/v2/finetuning']));
    for (const [tool, args] of [
      ['describe_action', { route: 'dataset', action: 'DescribeDatasets' }],
      ['call_action', { route: 'dataset', action: 'DescribeDatasets' }],
    ] as const) {
      const { isError, json } = await mcp.call(tool, args);
      expect(isError).toBe(true);
      expect(json['error']).toMatchObject({ code: 'RouteNotExposed', message: expect.stringContaining('/v2/finetuning') });
    }
    expect(callsOf('DescribeDatasets')).toHaveLength(0);
  });
});

describe('mcp fed JSON-RPC lines on a pipe', () => {
  it('answers every request, a call still running when the input ends included, then exits 0', async () => {
    const lines = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pipe', version: '0' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'call_action', arguments: { route: 'finetuning', action: 'DescribeFineTuningJobs', body: { maxKeys: 1 } } },
      },
    ];
    const result = await runCliProcess(['mcp', '--endpoint', emulator.url], {
      env: { QIANFAN_ACCESS_KEY: emulator.accessKey, QIANFAN_SECRET_KEY: emulator.secretKey },
      input: lines.map((line) => JSON.stringify(line)).join('\n') + '\n',
    });
    expect(result.code).toBe(0);
    const answers = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: number; result: any });
    expect(answers.map((a) => a.id).sort()).toEqual([1, 2, 3]);
    const call = answers.find((a) => a.id === 3)!.result;
    expect(call.isError).toBeUndefined();
    expect(JSON.parse(call.content[0].text).result.jobList).toBeInstanceOf(Array);
  });
});

describe('mcp start-up', () => {
  it('a misspelt --routes area is a usage error naming the routes there are', async () => {
    const result = await runCliProcess(['mcp', '--routes', 'finetuning,datset']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--routes: no actions are described for /v2/datset');
    expect(result.stderr).toContain('/v2/dataset');
    expect(result.stdout).toBe('');
  });
});

describe('the SDK loads for mcp only', () => {
  // A resolve hook that makes the SDK and zod unloadable: whatever still works never imported them.
  const dir = mkdtempSync(join(tmpdir(), 'qf-mcp-hook-'));
  writeFileSync(
    join(dir, 'forbid.mjs'),
    `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@modelcontextprotocol/') || specifier === 'zod') throw new Error('forbidden import ' + specifier);
  return next(specifier, context);
}\n`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister('./forbid.mjs', import.meta.url);\n`);
  const root = fileURLToPath(new URL('..', import.meta.url));
  const run = (args: string[]) =>
    spawnSync(process.execPath, ['--import', join(dir, 'register.mjs'), ...args], { cwd: root, env: baseEnv(), input: '', encoding: 'utf8' });

  it('list and import "qianfan-console" work without it; mcp is where it is imported', () => {
    const list = run([CLI, 'list', 'finetuning']);
    expect(list.stderr).toBe('');
    expect(list.status).toBe(0);
    expect(run(['--input-type=module', '-e', "import 'qianfan-console';"]).status).toBe(0);
    const mcp = run([CLI, 'mcp']);
    expect(mcp.status).not.toBe(0);
    expect(mcp.stderr).toContain('forbidden import @modelcontextprotocol/sdk');
  });
});
