#!/usr/bin/env node
/** `node dist/lint/main.js [DIR…]` (npm run lint): lint without the CLI, for CI. */
import { LINT_CLEAN, LINT_USAGE, runLint } from './lint.js';

const USAGE = `Usage: node dist/lint/main.js [DIR…]
Checks descriptor directories (the shipped actions/ when none is given) and prints each problem as
file:line: message. Exit code 0 when clean, 1 on problems, 2 on a usage error.`;

async function main(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return LINT_CLEAN;
  }
  const option = args.find((a) => a.startsWith('-'));
  if (option !== undefined) {
    console.error(`lint: unknown option ${option}\n${USAGE}`);
    return LINT_USAGE;
  }
  return runLint(args, { out: (line) => console.log(line), err: (line) => console.error(line) });
}

process.exitCode = await main(process.argv.slice(2));
