// Start-up probe for reference: the floor's first call from a fresh process — import undici the way its
// users do, send the request the runner signed once (BENCH_FLOOR_REQUEST), read the answer, close —
// timed like bench/start-first-call.mjs, so that the two processes' wall times, and how long each
// lingers after its work is done, can be set side by side.
import { createRequire } from 'node:module';

const { writeSync } = createRequire(import.meta.url)('node:fs');
const { origin, path, headers, body } = JSON.parse(process.env.BENCH_FLOOR_REQUEST);

const t0 = performance.now();
const { Pool } = await import('undici');
const t1 = performance.now();
const pool = new Pool(origin);
const response = await pool.request({ path, method: 'POST', headers, body });
const parsed = JSON.parse(await response.body.text());
const t2 = performance.now();
if (response.statusCode !== 200 || parsed.result !== true) throw new Error(`unexpected answer ${response.statusCode}`);
await pool.close();
const t3 = performance.now();
process.on('exit', () => {
  const split = { bootMs: t0, importMs: t1 - t0, firstCallMs: t2 - t1, closeMs: t3 - t2, exitWaitMs: performance.now() - t3 };
  writeSync(1, JSON.stringify(split));
});
