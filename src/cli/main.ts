#!/usr/bin/env node
/**
 * The qianfan-console command: runs the command line (run.ts) with this process's streams and
 * environment, Ctrl-C as its signal, and exits with its code.
 */
import { setFlagsFromString } from 'node:v8';
import { runCommandLine } from './run.js';

// A command sends a handful of requests and exits. Left alone, V8 re-optimises undici's HTTP parser
// (WebAssembly) in the background after the first response, and Node waits for that work before the
// process may end: about a quarter of a second on every invocation. The baseline compiler is plenty
// for a few responses. Our own process, so the flag is ours to set; the library never sets it.
setFlagsFromString('--liftoff-only');

// A reader that stops early (| head) closes the pipe; that is not a failure worth a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());
process.exitCode = await runCommandLine(process.argv.slice(2), {
  io: { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  env: process.env,
  signal: interrupt.signal,
});
