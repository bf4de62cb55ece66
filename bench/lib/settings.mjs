// The benchmark's settings (the BENCH_* knobs described in bench/run.mjs), the labels its output uses,
// and the scratch directory and environment every measured process runs in.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/, where the measured scripts and RESULTS.md are. */
export const benchDir = fileURLToPath(new URL('..', import.meta.url));
const env = process.env;
export const ROUNDS = Number(env.BENCH_ROUNDS ?? 10);
export const SECONDS = Number(env.BENCH_SECONDS ?? 1);
export const WARMUP_MS = Number(env.BENCH_WARMUP_MS ?? 200);
export const FIRST_WARMUP_MS = 1000;
export const STARTUP_RUNS = Number(env.BENCH_STARTUP_RUNS ?? 20);
export const RSS_RUNS = Number(env.BENCH_RSS_RUNS ?? 3);
export const MODES = (env.BENCH_MODES ?? '1,32,256').split(',').map(Number);
export const CLIENTS = (env.BENCH_CLIENTS ?? 'floor,ours,dispatch,fetch,official').split(',');
export const PARTS = (env.BENCH_ONLY ?? 'throughput,startup,memory,scale').split(',');
export const CLIENT_LABEL = {
  floor: 'floor (raw undici)',
  ours: 'ours (undici)',
  dispatch: 'raw undici dispatch',
  fetch: 'ours (fetch)',
  official: 'official SDK',
};
export const MODE_LABEL = (c) => (c === 1 ? 'sequential' : `concurrency ${c}`);
export const ACCESS_KEY = 'bench-access-key-0123456789abcdef';
export const SECRET_KEY = 'bench-secret-key-fedcba9876543210';
export const EXTRA_DESCRIPTORS = 1000;

export const log = (line) => process.stderr.write(`${line}\n`);

// A working directory with no .env (the official SDK runs dotenv.config() on every call) and the
// extra descriptors.
export const work = mkdtempSync(join(tmpdir(), 'qianfan-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** An environment without any QIANFAN_* of the caller's, plus the given variables. */
export function cleanEnv(extra = {}) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('QIANFAN_') && !k.startsWith('BENCH_') && k !== 'NODE_OPTIONS') out[k] = v;
  return { ...out, ...extra };
}
