/**
 * `qianfan-console serve`: the emulator on the command line. The first line on stdout is exactly
 * `listening on http://HOST:PORT`, so scripts can wait for it and read the address; then come the
 * keys to use (the secret only when it is the demo one), and one line per request.
 */
import { parseArgs } from 'node:util';
import { QianfanError, startEmulator, type Emulator, type EmulatorOptions } from '../index.js';
import { isLoopback } from './control-access.js';
import { FAULT_SPEC_SYNTAX, parseFaultSpec } from './faults.js';

/** The command line's port when none is given, so the base URL stays the same from one run to the next. */
const DEFAULT_SERVE_PORT = 8417;

const USAGE = `Usage: qianfan-console serve [options]

Runs a local emulator of the Qianfan V2 console until Ctrl-C (SIGINT) or SIGTERM.

Options:
  --port N              port to listen on (default ${DEFAULT_SERVE_PORT}; 0 picks a free one)
  --host HOST           interface to bind (default 127.0.0.1)
  --access-key AK       access key to accept (default QIANFAN_ACCESS_KEY, else a demo key)
  --secret-key SK       its secret key (default QIANFAN_SECRET_KEY, else the demo secret)
  --state FILE          keep the records in FILE across restarts (default: in memory);
                        FILE.journal and FILE.lock live beside it
  --speed X             run the emulator's clock X times faster (default 1); 0 stops it,
                        so lifecycles move only when POST /_emulator/api/clock advances it
  --control-token T     require T (8+ characters) in the x-emulator-control-token header of the
                        control plane under /_emulator/; needed to use it when --host is not loopback
  --fault SPEC          inject a fault; repeatable. SPEC is
                        ${FAULT_SPEC_SYNTAX}
  --actions-path DIR    more descriptor directories; repeatable
  --help                show this help
`;

interface Output {
  out(line: string): void;
  err(line: string): void;
}

const processOutput: Output = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};

/** Runs `serve` with its arguments (after the word serve); resolves with the exit code once stopped. */
export async function runServe(argv: string[], output: Output = processOutput): Promise<number> {
  let options: EmulatorOptions;
  try {
    const parsed = readArguments(argv);
    if (parsed === 'help') {
      output.out(USAGE);
      return 0;
    }
    options = parsed;
  } catch (error) {
    output.err(`qianfan-console serve: ${(error as Error).message}`);
    output.err('see qianfan-console serve --help');
    return 2;
  }
  let emulator: Emulator;
  try {
    emulator = await startEmulator({ ...options, log: output.out });
  } catch (error) {
    const reason =
      error instanceof QianfanError || (error as NodeJS.ErrnoException).code === undefined
        ? (error as Error).message
        : describeListenError(error as NodeJS.ErrnoException, options);
    output.err(`qianfan-console serve: ${reason}`);
    return 1;
  }
  // One write: a reader that has the first line has the keys too (a pipe delivers a small write whole).
  output.out([`listening on ${emulator.url}`, ...introduction(emulator, options)].join('\n'));
  await untilStopped();
  await emulator.close();
  output.out('stopped');
  return 0;
}

function readArguments(argv: string[]): EmulatorOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'access-key': { type: 'string' },
      'secret-key': { type: 'string' },
      state: { type: 'string' },
      speed: { type: 'string' },
      'control-token': { type: 'string' },
      fault: { type: 'string', multiple: true },
      'actions-path': { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const port = values.port === undefined ? DEFAULT_SERVE_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535, got ${JSON.stringify(values.port)}`);
  const speed = values.speed === undefined ? undefined : Number(values.speed);
  if (speed !== undefined && !(Number.isFinite(speed) && speed >= 0)) throw new Error(`--speed must be a number ≥ 0, got ${JSON.stringify(values.speed)}`);
  const controlToken = values['control-token'];
  if (controlToken !== undefined && controlToken.length < 8) throw new Error('--control-token must have at least 8 characters');
  if ((values['access-key'] === undefined) !== (values['secret-key'] === undefined)) throw new Error('give --access-key and --secret-key together');
  return {
    port,
    ...(values.host !== undefined && { host: values.host }),
    ...(values['access-key'] !== undefined && { accessKey: values['access-key'], secretKey: values['secret-key'] }),
    ...(values.state !== undefined && { statePath: values.state }),
    ...(speed !== undefined && { speed }),
    ...(controlToken !== undefined && { controlToken }),
    // Parsed here too, so that a mistyped spec is a usage error rather than a failure to start.
    ...(values.fault !== undefined && {
      faults: values.fault.map((spec) => {
        parseFaultSpec(spec);
        return spec;
      }),
    }),
    ...(values['actions-path'] !== undefined && { actionPaths: values['actions-path'] }),
  };
}

/** What to tell the user after the first line. Prints a secret key only when it is the demo one. */
function introduction(emulator: Emulator, options: EmulatorOptions): string[] {
  const lines = [`access key: ${emulator.accessKey}`];
  if (emulator.keySource === 'demo') lines.push(`secret key: ${emulator.secretKey}  (demo keys: they open nothing but this emulator)`);
  else lines.push(`secret key: the one given ${emulator.keySource === 'options' ? 'with --secret-key' : 'in QIANFAN_SECRET_KEY'} (not shown)`);
  lines.push(
    `state: ${options.statePath ?? 'in memory (use --state FILE to keep it)'}`,
    `speed: ${options.speed ?? 1}×${options.speed === 0 ? ' (the clock moves only when POST /_emulator/api/clock advances it)' : ''}`,
    `dashboard: ${emulator.controlUrl}${controlPlaneNote(emulator, options)}`,
    ...(options.faults ?? []).map((spec) => `fault: ${String(spec)}`),
    'point a client at it:',
    `  export QIANFAN_CONSOLE_API_BASE_URL=${emulator.url}`,
    `  export QIANFAN_ACCESS_KEY=${emulator.accessKey}`,
    emulator.keySource === 'demo' ? `  export QIANFAN_SECRET_KEY=${emulator.secretKey}` : '  export QIANFAN_SECRET_KEY=…  (the secret key above)',
    'Ctrl-C stops it.',
  );
  return lines;
}

/** How to reach the control plane, without printing the token. */
function controlPlaneNote(emulator: Emulator, options: EmulatorOptions): string {
  if (options.controlToken !== undefined) return '  (open it with ?token=<your control token>; API calls send it as x-emulator-control-token)';
  return isLoopback(emulator.host) ? '' : '  (off: bound to a non-loopback address; restart with --control-token to use it)';
}

function describeListenError(error: NodeJS.ErrnoException, options: EmulatorOptions): string {
  const where = `${options.host ?? '127.0.0.1'}:${options.port}`;
  if (error.code === 'EADDRINUSE') return `${where} is in use; pass another --port, or --port 0 for a free one`;
  if (error.code === 'EACCES') return `not allowed to listen on ${where}`;
  return `cannot listen on ${where}: ${error.message}`;
}

function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
