/** Debug output: each attempt with its retry decision, and never a secret. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createClient, type Logger } from 'qianfan-console';
import { consoleLike, useVerifyingServer } from './support/verifying-server.js';

const AK = 'ALTAKlogging';
const SK = 'logging-secret-key-0123456789';
const TOKEN = 'sts-session-token-abcdef';
const server = useVerifyingServer({ [AK]: SK });

function recorder(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: { debug: (m) => lines.push(`debug ${m}`), warn: (m) => lines.push(`warn ${m}`) } };
}

describe('debug output', () => {
  it('logs each attempt with method, URL, status, timing and retry decision; masks signature, token and x-sensitive fields', async () => {
    let first = true;
    server.handler = (req) => {
      if (first) {
        first = false;
        return { status: 429, body: { requestId: 'r', code: 'RequestLimitExceeded', message: 'slow' }, headers: { 'retry-after-ms': '10' } };
      }
      return consoleLike(() => ({ taskId: 'task-1' }))(req);
    };
    const { logger, lines } = recorder();
    const qf = createClient({ accessKey: AK, secretKey: SK, sessionToken: TOKEN, baseUrl: server.url, logger });
    await qf.callAction('/v2/batchinference', 'CreateBatchInferenceTask', {
      name: 'bi',
      modelId: 'amv-1',
      inferenceParams: {},
      afsConfig: { userName: 'u', password: 'afs-password-hunter2', inputAfsUri: 'afs://in', outputAfsUri: 'afs://out' },
    });
    const text = lines.join('\n');
    expect(lines.filter((l) => l.includes('→ POST'))).toHaveLength(2);
    expect(text).toContain(`${server.url}/v2/batchinference?Action=CreateBatchInferenceTask attempt 1/3`);
    expect(text).toMatch(/✗ 429 CreateBatchInferenceTask RequestLimitExceeded after \d+ ms; retrying in 10 ms/);
    expect(text).toMatch(/← 200 CreateBatchInferenceTask requestId req-1 in \d+ ms/);
    expect(text).toContain('(masked)');
    const signatures = server.requests.map((r) => String(r.headers['authorization']).slice(-64));
    for (const secret of [SK, TOKEN, 'afs-password-hunter2', ...signatures]) expect(text).not.toContain(secret);
    expect(text).toContain('"password":"***"');
    await qf.close();
  });

  it('QIANFAN_DEBUG=1 prints the attempts to stderr, without secrets', async () => {
    const script = `
      const { createClient } = await import('qianfan-console');
      const qf = createClient();
      await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
      await qf.close();
    `;
    server.handler = consoleLike(() => true);
    // Asynchronously: the server answering the child lives in this process.
    const run = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: {
        ...process.env,
        QIANFAN_DEBUG: '1',
        QIANFAN_ACCESS_KEY: AK,
        QIANFAN_SECRET_KEY: SK,
        QIANFAN_SESSION_TOKEN: TOKEN,
        QIANFAN_CONSOLE_API_BASE_URL: server.url,
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(run.stderr).toContain('→ POST');
    expect(run.stderr).toContain('← 200 DescribeFineTuningTask');
    expect(run.stderr).not.toContain(SK);
    expect(run.stderr).not.toContain(TOKEN);
    expect(run.stderr).not.toContain(String(server.requests.at(-1)!.headers['authorization']).slice(-64));
    expect(run.stdout).toBe('');
  });
});
