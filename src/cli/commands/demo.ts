/** `demo`: the fine-tuning life cycle against a private emulator (src/demo.ts, also `npm run demo`). */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CommandContext } from '../context.js';
import { printHelp } from '../help-text.js';

const HELP = `Usage: qianfan-console demo

Starts a private emulator with its demo keys (your own keys are neither used nor shown) and runs a
fine-tuning job through its life cycle: create, train, watch, page through jobs, stop, delete.
Takes a few seconds and touches nothing outside this machine.
`;

export async function run(args: string[], ctx: CommandContext): Promise<number> {
  if (ctx.globals.help || args.includes('--help') || args.includes('-h')) {
    printHelp(ctx, HELP);
    return 0;
  }
  // Its own process: the demo runs as soon as its module loads and sets the exit code itself.
  const child = spawn(process.execPath, [fileURLToPath(new URL('../../demo.js', import.meta.url))], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
}
