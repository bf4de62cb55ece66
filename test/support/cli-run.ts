/**
 * Runs a command line of the built command in this process (dist/cli/run.js, what dist/cli/main.js
 * runs for a process), with its own streams, an environment of its own (nothing inherited from the
 * test runner's QIANFAN_* variables) and optional stdin. Stdout and stderr are not terminals, as on a
 * pipe. Starting a process for each of the hundred-odd command lines the tests run cost about a quarter
 * of the suite's time; cli-e2e.test.ts runs the real process, for what only a process shows (exit
 * status, Ctrl-C, a terminal).
 */
import { Readable, Writable } from 'node:stream';
import { runCommandLine } from '../../dist/cli/run.js';
import { baseEnv, type CliOptions, type CliResult } from './cli-process.js';

class Captured extends Writable {
  text = '';
  constructor() {
    super({ decodeStrings: false });
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** The command line's exit code and output; `timeoutMs` (default 15 s) interrupts it as Ctrl-C would. */
export async function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const stdout = new Captured();
  const stderr = new Captured();
  const interrupt = new AbortController();
  const timer = setTimeout(() => interrupt.abort(), options.timeoutMs ?? 15_000);
  try {
    const code = await runCommandLine(args, {
      io: { stdout, stderr, stdin: Readable.from(options.input === undefined ? [] : [options.input]) },
      env: baseEnv(options.env),
      signal: interrupt.signal,
    });
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    clearTimeout(timer);
  }
}
