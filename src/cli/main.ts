#!/usr/bin/env node
/** The qianfan-console command. A client of the library like any other. */
import { readFileSync } from 'node:fs';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const HELP = `qianfan-console ${VERSION}: call Baidu Qianfan V2 console actions

Usage:
  qianfan-console --help       show this help
  qianfan-console --version    print the version

Environment:
  QIANFAN_ACCESS_KEY, QIANFAN_SECRET_KEY   IAM credentials
  QIANFAN_CONSOLE_API_BASE_URL             console endpoint (default https://qianfan.baidubce.com)
  QIANFAN_ACTIONS_PATH                     extra descriptor directories
`;

function main(argv: string[]): number {
  const [first] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (first === '--version' || first === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  process.stderr.write(`qianfan-console: unknown command ${JSON.stringify(first)}; see qianfan-console --help\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
