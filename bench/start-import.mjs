// Start-up probe: a fresh process that imports the package and exits. The runner times the whole
// process against a bare `node -e 0`; the in-process import time is printed for reference.
const t0 = performance.now();
await import('qianfan-console');
const t1 = performance.now();
process.stdout.write(JSON.stringify({ importMs: t1 - t0 }));
