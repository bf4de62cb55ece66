// Start-up probe: a fresh process that makes one call with the default client (configured from the
// QIANFAN_* environment, as a script or the CLI would be): import, find the descriptor, validate,
// sign, send, parse; then closes the pool and lets the process end by itself. The runner times the
// whole process against a bare `node -e 0`; the in-process split is printed for reference, including
// how long the process lingers after its work is done (exitWaitMs: e.g. V8 finishing background
// compilation of undici's llhttp WebAssembly before it lets the process go).
import { createRequire } from 'node:module';

// node:fs through require: an ES import of it would load Node's streams, a cost of the probe, not of the call.
const { writeSync } = createRequire(import.meta.url)('node:fs');

const t0 = performance.now(); // time since the process started: node's own bootstrap and the ESM loader
const { callAction, resetDefaultClient } = await import('qianfan-console');
const t1 = performance.now();
const res = await callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-0tgmn4a7h4i6' });
const t2 = performance.now();
if (res.result !== true) throw new Error('unexpected answer');
await resetDefaultClient();
const t3 = performance.now();
process.on('exit', () => {
  const split = { bootMs: t0, importMs: t1 - t0, firstCallMs: t2 - t1, closeMs: t3 - t2, exitWaitMs: performance.now() - t3 };
  writeSync(1, JSON.stringify(split));
});
