/**
 * `serve` (runServe) and `npm run demo` as separate processes, the way people run them: the first
 * line, the keys it prints (never a user's secret), stopping on SIGTERM, refusing bad arguments and
 * a state file that is not its own.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createClient } from 'qianfan-console';

const SERVE = fileURLToPath(new URL('../dist/emulator/cli.js', import.meta.url));
const DEMO = fileURLToPath(new URL('../dist/demo.js', import.meta.url));
/** Runs runServe(argv) in a process of its own, as the CLI's `serve` does. */
const RUNNER = `const { runServe } = await import(${JSON.stringify(SERVE)}); process.exitCode = await runServe(process.argv.slice(1));`;
const USER_SECRET = 'users-own-secret-key-must-not-print';

function serve(args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--input-type=module', '-e', RUNNER, '--', ...args], { env: { PATH: process.env['PATH'] ?? '', ...env } });
}

interface Watched {
  /** The first line of stdout, as soon as it is complete. */
  firstLine: Promise<string>;
  /** All output and the exit code; bounded, so a hung process fails the test instead of hanging it. */
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function watch(child: ChildProcessWithoutNullStreams, timeoutMs = 15_000): Watched {
  let stdout = '';
  let stderr = '';
  let onFirstLine: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (onFirstLine = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.includes('\n')) onFirstLine(stdout.slice(0, stdout.indexOf('\n')));
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not finish in ${timeoutMs} ms; stdout so far: ${stdout}; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  const firstOrExit = Promise.race([firstLine, done.then(() => Promise.reject(new Error(`exited before printing a line: ${stderr}`)))]);
  // Callers that only want `done` never look at the first line: that is not an unhandled failure.
  firstOrExit.catch(() => undefined);
  return { firstLine: firstOrExit, done };
}

describe('serve', () => {
  it('prints exactly "listening on http://HOST:PORT" first, serves, and stops on SIGTERM with 0', async () => {
    const child = serve(['--port', '0', '--speed', '5']);
    const { firstLine, done } = watch(child);
    const line = await firstLine;
    expect(line).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+$/);
    const url = line.slice('listening on '.length);
    const qf = createClient({ accessKey: 'ALTAKemulatorDemoAccessKey', secretKey: 'emulator-demo-secret-key-0123456789', baseUrl: url, maxAttempts: 1 });
    const { result } = await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'cli', model: 'ERNIE-Speed-8K', trainMode: 'SFT' });
    await qf.close();
    child.kill('SIGTERM');
    const { code, stdout } = await done;
    expect(code).toBe(0);
    expect(stdout).toContain('secret key: emulator-demo-secret-key-0123456789');
    expect(stdout).toMatch(/200 finetuning\/CreateFineTuningJob \d+ ms/);
    expect(stdout).toContain('stopped');
    expect(result.jobId).toMatch(/^job-/);
  });

  it("uses the user's keys from the environment without printing the secret", async () => {
    const child = serve(['--port', '0'], { QIANFAN_ACCESS_KEY: 'ALTAKusers', QIANFAN_SECRET_KEY: USER_SECRET });
    const { firstLine, done } = watch(child);
    const line = await firstLine;
    const qf = createClient({ accessKey: 'ALTAKusers', secretKey: USER_SECRET, baseUrl: line.slice('listening on '.length), maxAttempts: 1 });
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningJobs', {});
    await qf.close();
    child.kill('SIGINT');
    const { code, stdout, stderr } = await done;
    expect(code).toBe(0);
    expect(stdout).toContain('access key: ALTAKusers');
    expect(stdout).toContain('in QIANFAN_SECRET_KEY (not shown)');
    expect(stdout + stderr).not.toContain(USER_SECRET);
  });

  it('refuses bad arguments with 2, and a state file that is not its own with 1, leaving the file alone', async () => {
    const statePath = join(mkdtempSync(join(tmpdir(), 'qf-serve-')), 'notes.json');
    writeFileSync(statePath, '{"my": "notes"}\n');
    // The processes run side by side: each starts node, which is most of the time they take.
    const badArguments = [['--port', 'x'], ['--fault', 'nonsense'], ['--speed', '-1'], ['--access-key', 'AK'], ['--bogus']];
    const [stateRun, ...argumentRuns] = await Promise.all([['--port', '0', '--state', statePath], ...badArguments].map((args) => watch(serve(args)).done));
    argumentRuns.forEach(({ code, stderr }, i) => {
      expect(code, badArguments[i]!.join(' ')).toBe(2);
      expect(stderr).toMatch(/^qianfan-console serve: /);
    });
    const { code, stderr } = stateRun!;
    expect(code).toBe(1);
    expect(stderr).toContain(`refusing to use ${statePath}`);
    expect(readFileSync(statePath, 'utf8')).toBe('{"my": "notes"}\n');
  });
});

describe('npm run demo', () => {
  it('walks the fine-tuning life cycle against an in-process emulator and exits 0, printing no user secret', async () => {
    const { code, stdout, stderr } = await watch(
      spawn(process.execPath, [DEMO], { env: { PATH: process.env['PATH'] ?? '', QIANFAN_ACCESS_KEY: 'ALTAKusers', QIANFAN_SECRET_KEY: USER_SECRET } }),
      30_000,
    ).done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const step of [
      'CreateFineTuningJob → jobId job-',
      'CreateFineTuningTask → taskId task-',
      'Waiting',
      'Running',
      'Done',
      'page 3:',
      '(last page)',
      'StopFineTuningTask → Stopped',
      '404 ResourceNotFound',
    ]) {
      expect(stdout).toContain(step);
    }
    expect(stdout).toMatch(/Running \d+%/);
    expect(stdout).not.toContain(USER_SECRET);
  });
});
