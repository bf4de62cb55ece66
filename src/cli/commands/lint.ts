/** `lint [DIR…]`: checks descriptor directories; the work is done by src/lint. */
import { parseCommand, storeFor, type CommandContext } from '../context.js';
import { printHelp } from '../help-text.js';

const HELP = `Usage: qianfan-console lint [DIR…]

Checks descriptor directories as the client will read them and prints every problem as
file:line: message. Without DIR it checks the search path: the built-in actions/, then
QIANFAN_ACTIONS_PATH, then --actions-path. Exit code 0 when clean, 1 on problems, 2 on a usage error.
`;

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context);
  if (ctx.globals.help) {
    printHelp(ctx, HELP);
    return 0;
  }
  const dirs = parsed.positionals.length > 0 ? parsed.positionals : [...(await storeFor(ctx)).searchPath];
  const { runLint } = await import('../../lint/lint.js');
  return runLint(dirs, { out: (line) => void ctx.io.stdout.write(`${line}\n`), err: (line) => void ctx.io.stderr.write(`${line}\n`) });
}
