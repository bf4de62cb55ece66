/** `serve`: the local emulator of the console; the work is done by src/emulator. */
import type { CommandContext } from '../context.js';

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  const { runServe } = await import('../../emulator/cli.js');
  // Options given before the word serve reach the emulator too: the keys it accepts and the extra
  // descriptor directories, so that a dropped-in action is known on both sides.
  const { globals } = ctx;
  const forwarded = [
    ...globals.actionPaths.flatMap((dir) => ['--actions-path', dir]),
    ...(globals.accessKey === undefined ? [] : ['--access-key', globals.accessKey]),
    ...(globals.secretKey === undefined ? [] : ['--secret-key', globals.secretKey]),
    ...(globals.help ? ['--help'] : []),
  ];
  const { stdout, stderr } = ctx.io;
  return runServe([...forwarded, ...args], { out: (line) => void stdout.write(`${line}\n`), err: (line) => void stderr.write(`${line}\n`) });
}
