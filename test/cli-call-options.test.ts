/**
 * The command's lines, run in-process (test/support/cli-run.ts), against a loopback server that verifies every signature:
 * call: attempts, timeouts, validation mode, proxies and --dry-run.
 * Shared setup: test/support/cli-console.ts.
 */
import { describe, expect, it } from 'vitest';
import { AK, SK, useCliConsole } from './support/cli-console.js';
import { startConnectProxy } from './support/connect-proxy.js';
import { consoleLike } from './support/verifying-server.js';

const { server, env, call } = useCliConsole();

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
