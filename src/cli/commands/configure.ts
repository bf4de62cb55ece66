/** `configure [--profile NAME]`: writes a profile of ~/.qianfan/config, prompting on a terminal. */
import { createInterface } from 'node:readline/promises';
import type { ReadStream } from 'node:tty';
import { UsageError } from '../argv.js';
import { parseCommand, type CommandContext } from '../context.js';
import { configFilePath, readProfile, writeProfile, type Profile } from '../../index.js';
import { printHelp } from '../help-text.js';

const HELP = `Usage: qianfan-console configure [--profile NAME] [--access-key AK] [--secret-key SK] [--endpoint URL]

Writes the profile NAME (default: default) of ~/.qianfan/config (QIANFAN_CONFIG_FILE points elsewhere)
with mode 0600, keeping the file's other profiles. On a terminal it asks for each value, showing the
current one (Enter keeps it); the secret key is not echoed. Otherwise the flags give the values, and a
value not given keeps the profile's current one. The secret key is never printed.
`;

const DEFAULT_ENDPOINT = 'https://qianfan.baidubce.com';

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context);
  if (ctx.globals.help) {
    printHelp(ctx, HELP);
    return 0;
  }
  if (parsed.positionals.length > 0)
    throw new UsageError(`configure takes no arguments, got ${JSON.stringify(parsed.positionals[0])}`, 'qianfan-console configure --help');
  const name = ctx.globals.profile ?? 'default';
  const file = configFilePath(ctx.env);
  const current = currentSettings(file, name);
  const given: Profile = { access_key: ctx.globals.accessKey, secret_key: ctx.globals.secretKey, endpoint: ctx.globals.endpoint };
  const stdin = ctx.io.stdin as Partial<ReadStream>;
  const settings =
    stdin.isTTY && typeof stdin.setRawMode === 'function' ? await ask(ctx, stdin as ReadStream, { ...current, ...defined(given) }) : defined(given);
  const result = { ...current, ...settings };
  const missing = (['access_key', 'secret_key'] as const).filter((key) => !result[key]);
  if (missing.length > 0) {
    throw new UsageError(
      `profile [${name}] needs ${missing.join(' and ')}: give ${missing.map((key) => `--${key.replace('_', '-')}`).join(' and ')}, or run configure on a terminal`,
      'qianfan-console configure --help',
    );
  }
  writeProfile(file, name, settings);
  ctx.io.stderr.write(
    `wrote profile [${name}] to ${file} (mode 600): access key ${result.access_key}, secret key set, endpoint ${result.endpoint ?? `${DEFAULT_ENDPOINT} (default)`}\n`,
  );
  return 0;
}

/**
 * The profile's settings as they are, for defaults: none when the file, the section or a readable file
 * is missing. A file the reader refuses is rewritten all the same, its other lines kept as they were.
 */
function currentSettings(file: string, name: string): Profile {
  try {
    return readProfile(name, { QIANFAN_CONFIG_FILE: file }, () => undefined);
  } catch {
    return {};
  }
}

async function ask(ctx: CommandContext, stdin: ReadStream, defaults: Profile): Promise<Profile> {
  const out = ctx.io.stderr;
  const line = async (question: string, current: string | undefined): Promise<string | undefined> => {
    const prompt = createInterface({ input: stdin, output: out as NodeJS.WritableStream, terminal: true });
    try {
      const answer = (await prompt.question(`${question} [${current ?? 'none'}]: `)).trim();
      return answer || current;
    } finally {
      prompt.close();
    }
  };
  const access_key = await line('IAM Access Key ID', defaults.access_key);
  const secret_key =
    (await secret(stdin, out, `IAM Secret Access Key [${defaults.secret_key ? 'keep current' : 'none'}]: `, ctx.signal)) || defaults.secret_key;
  const endpoint = await line('Console endpoint', defaults.endpoint ?? DEFAULT_ENDPOINT);
  return defined({ access_key, secret_key, endpoint: endpoint === DEFAULT_ENDPOINT && !defaults.endpoint ? undefined : endpoint });
}

/** A line read with the terminal's echo off: the typed secret never appears on the screen. */
function secret(stdin: ReadStream, out: { write(text: string): unknown }, question: string, signal: AbortSignal): Promise<string> {
  // Echo off before the question shows: nothing typed in answer to it may reach the screen.
  stdin.setRawMode(true);
  out.write(question);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise<string>((resolve, reject) => {
    let typed = '';
    let done = false;
    const finish = (error?: Error): void => {
      if (done) return;
      done = true;
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.write('\n');
      if (error) reject(error);
      else resolve(typed.trim());
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') {
          finish();
          return;
        }
        if (char === '\u0003') {
          finish(new UsageError('configure interrupted; nothing written'));
          return;
        }
        if (char === '\u007f' || char === '\b') typed = typed.slice(0, -1);
        else typed += char;
      }
    };
    stdin.on('data', onData);
    signal.addEventListener('abort', () => finish(new UsageError('configure interrupted; nothing written')), { once: true });
  });
}

function defined(settings: Profile): Profile {
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined && value !== '')) as Profile;
}
