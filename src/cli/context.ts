/**
 * What every command shares: the global options, the streams, the environment, Ctrl-C as a signal,
 * and how a client or a catalogue is made from them. The command is a client of the package's public
 * entry (src/index.ts) only, and loads it only when a command needs it: --help and --version do not.
 */
import { readFileSync } from 'node:fs';
import { UsageError, booleanOption, listOption, parseArgv, stringOption, wholeNumberOption, type OptionSpecs, type ParsedArgs } from './argv.js';
import { checkOutputFormat, checkQuery, print, type OutputFormat, type OutputStream, type Printed } from './output.js';
import type { Catalogue, QianfanClient, ValidationMode } from '../index.js';

/** How long one console call of a command may take, all attempts and waits included, unless --deadline-ms says otherwise. */
export const DEFAULT_CLI_DEADLINE_MS = 300_000;

export const GLOBAL_OPTIONS: OptionSpecs = {
  endpoint: { type: 'string' },
  proxy: { type: 'string' },
  'qps-store': { type: 'string' },
  'access-key': { type: 'string' },
  'secret-key': { type: 'string' },
  profile: { type: 'string' },
  'actions-path': { type: 'string', multiple: true },
  'max-attempts': { type: 'string' },
  'attempt-timeout-ms': { type: 'string' },
  'deadline-ms': { type: 'string' },
  validation: { type: 'string' },
  output: { type: 'string', short: 'o' },
  query: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

export interface GlobalOptions {
  endpoint?: string | undefined;
  proxy?: string | undefined;
  qpsStore?: string | undefined;
  accessKey?: string | undefined;
  secretKey?: string | undefined;
  profile?: string | undefined;
  actionPaths: string[];
  maxAttempts?: number | undefined;
  attemptTimeoutMs?: number | undefined;
  deadlineMs?: number | undefined;
  /** As given; checked against the library's modes when a client is made (see checkedValidation). */
  validation?: string | undefined;
  output?: OutputFormat | undefined;
  /** JMESPath applied to the printed document. */
  query?: string | undefined;
  debug: boolean;
  help: boolean;
}

export interface Io {
  /** A stream: `mcp` speaks its protocol over it. */
  stdout: OutputStream & NodeJS.WritableStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream;
}

export interface CommandContext {
  globals: GlobalOptions;
  io: Io;
  env: Readonly<Record<string, string | undefined>>;
  /** Fires on Ctrl-C. */
  signal: AbortSignal;
  /** Secrets in play, scrubbed from anything printed about a failure. */
  secrets: string[];
}

/** Global options given after the command override those given before it. */
export function withGlobals(globals: GlobalOptions, parsed: ParsedArgs): GlobalOptions {
  return {
    endpoint: stringOption(parsed, 'endpoint') ?? globals.endpoint,
    proxy: stringOption(parsed, 'proxy') ?? globals.proxy,
    qpsStore: stringOption(parsed, 'qps-store') ?? globals.qpsStore,
    accessKey: stringOption(parsed, 'access-key') ?? globals.accessKey,
    secretKey: stringOption(parsed, 'secret-key') ?? globals.secretKey,
    profile: stringOption(parsed, 'profile') ?? globals.profile,
    actionPaths: [...globals.actionPaths, ...listOption(parsed, 'actions-path')],
    maxAttempts: wholeNumberOption(parsed, 'max-attempts', 'attempts') ?? globals.maxAttempts,
    attemptTimeoutMs: wholeNumberOption(parsed, 'attempt-timeout-ms', 'milliseconds') ?? globals.attemptTimeoutMs,
    deadlineMs: wholeNumberOption(parsed, 'deadline-ms', 'milliseconds') ?? globals.deadlineMs,
    validation: stringOption(parsed, 'validation') ?? globals.validation,
    output: checkOutputFormat(stringOption(parsed, 'output')) ?? globals.output,
    query: checkQuery(stringOption(parsed, 'query')) ?? globals.query,
    debug: booleanOption(parsed, 'debug') || globals.debug,
    help: booleanOption(parsed, 'help') || globals.help,
  };
}

/**
 * A command's arguments parsed against its options, with the global options given after the command
 * folded into the context. `acceptFieldFlags` lets through the flags generated from a body schema.
 */
export function parseCommand(
  args: string[],
  context: CommandContext,
  options: OptionSpecs = GLOBAL_OPTIONS,
  acceptFieldFlags = false,
): { parsed: ParsedArgs; ctx: CommandContext } {
  const parsed = parseArgv(args, options, acceptFieldFlags);
  return { parsed, ctx: { ...context, globals: withGlobals(context.globals, parsed) } };
}

/** The descriptors on the search path, without a client: enough for list, describe and help. */
export async function storeFor(ctx: CommandContext): Promise<Catalogue> {
  const { openCatalogue } = await import('../index.js');
  return openCatalogue({ env: ctx.env, actionPaths: ctx.globals.actionPaths });
}

/** A client configured by flags, then the environment, then the profile file (credentials: see chooseCredentials). */
export async function clientFor(ctx: CommandContext): Promise<QianfanClient> {
  const [{ createClient, readProfile, resolveConfig, streamLogger, VALIDATION_MODES }, { chooseCredentials, environmentWithProfileEndpoint }, { proxyFor }] =
    await Promise.all([import('../index.js'), import('./profile.js'), import('./proxy.js')]);
  const validation = checkedValidation(ctx.globals.validation, VALIDATION_MODES);
  const warn = (line: string): void => void ctx.io.stderr.write(`qianfan-console: warning: ${line}\n`);
  const profile = readProfile(ctx.globals.profile, ctx.env, warn);
  const { globals } = ctx;
  const env = environmentWithProfileEndpoint(ctx.env, profile);
  const resolved = resolveConfig({ baseUrl: globals.endpoint }, env);
  const proxy = globals.proxy ?? proxyFor(resolved.baseUrl, ctx.env);
  const credentials = chooseCredentials({ accessKey: globals.accessKey, secretKey: globals.secretKey }, ctx.env, profile, globals.profile !== undefined);
  const client = createClient({
    // One set, as chosen: the credentials option is never completed from the environment.
    credentials,
    baseUrl: globals.endpoint,
    actionPaths: globals.actionPaths,
    maxAttempts: globals.maxAttempts,
    timeoutMs: globals.attemptTimeoutMs,
    // A command never hangs: each console call ends by this deadline, retries included (a waiter's polls each get their own).
    deadlineMs: globals.deadlineMs ?? DEFAULT_CLI_DEADLINE_MS,
    validation,
    qpsStore: globals.qpsStore,
    env,
    ...(proxy ? { proxy } : {}),
    // Warnings, and with --debug or QIANFAN_DEBUG=1 every attempt, on the command's own stderr.
    logger: streamLogger(ctx.io.stderr, { debug: globals.debug || resolved.debug }),
  });
  for (const secret of [client.config.secretKey, client.config.sessionToken]) if (secret) ctx.secrets.push(secret);
  return client;
}

/** Prints a command's result in the format and with the --query the context asks for. */
export function printResult(ctx: CommandContext, printed: Printed, forTerminal: OutputFormat): void {
  print(ctx.io.stdout, ctx.env, ctx.globals, printed, forTerminal);
}

/** Reads `-` (stdin) or `@file` for --body. */
export async function readSource(ctx: CommandContext, source: string): Promise<string> {
  if (source.startsWith('@')) {
    try {
      return readFileSync(source.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`--body ${source}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of ctx.io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** --validation as a mode of the library; checked only where a client is made, so that commands without one load no library at start-up. */
function checkedValidation(text: string | undefined, modes: readonly ValidationMode[]): ValidationMode | undefined {
  if (text === undefined) return undefined;
  if (!(modes as readonly string[]).includes(text)) throw new UsageError(`--validation takes ${modes.join(', ')}, got ${JSON.stringify(text)}`);
  return text as ValidationMode;
}
