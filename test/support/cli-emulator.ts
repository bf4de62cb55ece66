/**
 * `qianfan-console serve --port 0` as a child process, as a person starts it: resolves once its first
 * line, `listening on http://HOST:PORT`, has arrived. Its keys come from the environment, so the
 * secret is one the test knows and the emulator does not print.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI, baseEnv } from './cli-process.js';

export interface ServedEmulator {
  url: string;
  /** Everything the emulator wrote to stdout so far: the banner, then one line per request. */
  output(): string;
  stop(): Promise<void>;
}

export function serveEmulator(args: readonly string[], keys: { accessKey: string; secretKey: string }): Promise<ServedEmulator> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: baseEnv({ QIANFAN_ACCESS_KEY: keys.accessKey, QIANFAN_SECRET_KEY: keys.secretKey }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const stopped = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('serve did not say where it listens within 10 s')), 10_000);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    const onEarlyExit = (code: number | null): void => fail(new Error(`serve exited with ${code}`));
    child.once('close', onEarlyExit);
    let firstLineRead = false;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (firstLineRead || !stdout.includes('\n')) return;
      firstLineRead = true;
      const firstLine = stdout.split('\n')[0]!;
      const match = /^listening on (http:\/\/\S+)$/.exec(firstLine);
      if (!match) return fail(new Error(`unexpected first line ${JSON.stringify(firstLine)}`));
      clearTimeout(timer);
      child.off('close', onEarlyExit);
      resolve({
        url: match[1]!,
        output: () => stdout,
        stop: () => {
          child.kill('SIGTERM');
          return stopped;
        },
      });
    });
  });
}
