/**
 * The qianfan-console command line as a function: global options, then the command, whose module is
 * loaded only when it is asked for, so that start-up stays cheap. main.ts runs it for the process.
 */
import { UsageError, parseArgv, type OptionSpecs } from './argv.js';
import { COMMANDS, COMPLETE_COMMAND, type Command } from './command-table.js';
import { GLOBAL_OPTIONS, withGlobals, type CommandContext, type Io } from './context.js';
import { printHelp } from './help-text.js';
import { VERSION } from './version.js';

const COMMAND_LINES = [...Object.values(COMMANDS), { synopsis: 'help COMMAND', summary: 'help on a command (also: COMMAND --help)' }];
const SYNOPSIS_WIDTH = Math.max(...COMMAND_LINES.map((c) => c.synopsis.length)) + 2;

const HELP = `qianfan-console ${VERSION}: call Baidu Qianfan V2 console actions

Usage: qianfan-console [GLOBAL OPTIONS] COMMAND [ARGUMENTS]

Commands:
${COMMAND_LINES.map((c) => `  ${c.synopsis.padEnd(SYNOPSIS_WIDTH)}${c.summary}`).join('\n')}

ROUTE is /v2/<area> or just <area>, e.g. finetuning. Flags of call and wait come from the action's
body schema: see "qianfan-console call ROUTE ACTION --help".

Global options:
  --endpoint URL        console endpoint (env QIANFAN_CONSOLE_API_BASE_URL; default https://qianfan.baidubce.com)
  --proxy URL           HTTP(S) proxy (env HTTPS_PROXY / HTTP_PROXY, minus NO_PROXY; never for loopback)
  --qps-store URL       share the qps budget (QIANFAN_QPS_LIMIT) through Redis, e.g. redis://127.0.0.1:6379/0 (env QIANFAN_QPS_STORE)
  --access-key AK       IAM Access Key ID (env QIANFAN_ACCESS_KEY)
  --secret-key SK       IAM Secret Access Key (env QIANFAN_SECRET_KEY); prefer the environment or a
                        profile, since other users can see command lines
  --profile NAME        section of the profile file (env QIANFAN_PROFILE; default [default])
  --actions-path DIR    extra descriptor directory, repeatable (env QIANFAN_ACTIONS_PATH)
  --max-attempts N      attempts per call, the first included (env QIANFAN_CONSOLE_API_RETRY_COUNT; default 3)
  --attempt-timeout-ms N  bound on each attempt, response body included (default 60000)
  --deadline-ms N       bound on each console call, retries included (default 300000)
  --validation MODE     compatible (default: refuses wrong types, missing and misspelt fields), strict or off
  -o, --output FORMAT   json, yaml, table or text (tab-separated, one record a line, for cut and awk);
                        default: json on a pipe, table or yaml on a terminal (tables fit COLUMNS)
  --query JMESPATH      print only what the JMESPath expression picks from the result (as aws-cli)
  --debug               log every HTTP attempt to stderr, signature masked
  -h, --help            this help, or a command's
  -v, --version         the version

Credentials and endpoint come from the flags, then the environment, then the profile file
~/.qianfan/config (QIANFAN_CONFIG_FILE points elsewhere), written by qianfan-console configure:

  [default]
  access_key = ALTAK...
  secret_key = ...
  endpoint = https://qianfan.baidubce.com

It holds secrets: configure writes it with mode 600 (made by hand: chmod 600 ~/.qianfan/config).
Secrets are never printed.

Exit codes: 0 ok, 1 the service said no, 2 usage or validation error, 3 network error, timeout
or unreadable answer, 4 the console was throttling or failing (after retries: try again later),
130 interrupted.
`;

const TOP_OPTIONS: OptionSpecs = { ...GLOBAL_OPTIONS, version: { type: 'boolean', short: 'v' } };

/** Global options before the command, the command, and everything after it. */
function splitAtCommand(argv: readonly string[]): { before: string[]; command: string | undefined; rest: string[] } {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '--') {
    const token = argv[i]!;
    const name = token.startsWith('--') ? token.slice(2).split('=')[0]! : Object.keys(TOP_OPTIONS).find((n) => TOP_OPTIONS[n]!.short === token.slice(1));
    const spec = name === undefined ? undefined : TOP_OPTIONS[name];
    if (!spec) throw new UsageError(`unknown option ${token}`, 'qianfan-console --help');
    i += spec.type === 'string' && !token.includes('=') ? 2 : 1;
  }
  const commandAt = argv[i] === '--' ? i + 1 : i;
  return { before: argv.slice(0, Math.min(i, argv.length)), command: argv[commandAt], rest: argv.slice(commandAt + 1) };
}

/** What a command line runs with: its streams, its environment, and a signal that fires on Ctrl-C. */
export interface CommandLineRuntime {
  io: Io;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
}

/**
 * Runs one command line (the arguments after the program name) and resolves with its exit code. It
 * touches nothing of the process it runs in: output, input and environment are the runtime's.
 */
export async function runCommandLine(argv: readonly string[], runtime: CommandLineRuntime): Promise<number> {
  const ctx: CommandContext = { globals: { actionPaths: [], debug: false, help: false }, ...runtime, secrets: [] };
  const { stdout, stderr } = ctx.io;
  try {
    const { before, command, rest } = splitAtCommand(argv);
    const parsed = parseArgv(before, TOP_OPTIONS, false);
    ctx.globals = withGlobals(ctx.globals, parsed);
    if (parsed.options['version'] === true) {
      stdout.write(`${VERSION}\n`);
      return 0;
    }
    if (command === undefined) {
      printHelp(ctx, HELP);
      return 0;
    }
    if (command === 'help') {
      const topic = rest[0];
      if (topic === undefined) {
        printHelp(ctx, HELP);
        return 0;
      }
      return await findCommand(topic).then((c) => c.run([...rest.slice(1), '--help'], ctx));
    }
    return await (await findCommand(command)).run(rest, ctx);
  } catch (error) {
    const { describeFailure } = await import('./failure.js');
    const failure = describeFailure(error, ctx.secrets);
    stderr.write(failure.text);
    return failure.exitCode;
  }
}

async function findCommand(name: string): Promise<Command> {
  const entry = name === '__complete' ? COMPLETE_COMMAND : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) {
    // The library only on this path: a known command starts without it.
    const { nearest } = await import('../index.js');
    const near = nearest(name, Object.keys(COMMANDS));
    throw new UsageError(`unknown command ${JSON.stringify(name)}${near ? `; did you mean ${near}?` : ''}`, 'qianfan-console --help');
  }
  return entry.load();
}
