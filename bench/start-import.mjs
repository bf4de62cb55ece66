// Start-up probe: a fresh process that imports the package and exits. The runner times the whole
// process against a bare `node -e 0`; the in-process import time is printed for reference. The probe
// keeps its own cost out of the figure: process.hrtime rather than the `performance` global (which loads
// perf_hooks), and node:fs through require (an ES import of it loads Node's streams) to print.
import { createRequire } from 'node:module';

const t0 = process.hrtime.bigint();
await import('qianfan-console');
const t1 = process.hrtime.bigint();
createRequire(import.meta.url)('node:fs').writeSync(1, JSON.stringify({ importMs: Number(t1 - t0) / 1e6 }));
