// `npm run bench`: qianfan-console side by side with the floor (raw undici sending a fixed signed request)
// and the official SDK (@baiducloud/qianfan consoleAction), against one loopback server in its own process;
// each client runs in a process of its own, measured in short slices taken in turn over several rounds (the
// order rotated), medians compared.
// Then start-up (import, first call, first call with 1,000 extra descriptors) over a bare `node -e 0`, and
// RSS after 10,000 and 20,000 calls. On a shared machine these figures move by ±15 % from run to run, so
// each is printed with its range (lowest to highest round or process) beside the median. Last, every
// bench/scale-*.mjs present runs in turn and prints its own figures.
// `npm run bench -- --write` also rewrites the generated section of bench/RESULTS.md; without it no file
// is touched. A benchmark, not a test: it judges nothing and exits 0 unless a measurement itself failed.
//
// Knobs (environment): BENCH_ROUNDS (10), BENCH_SECONDS per measured slice (1), BENCH_WARMUP_MS before each slice (200),
// BENCH_STARTUP_RUNS (20), BENCH_RSS_RUNS (3), BENCH_MODES (e.g. "1,32,256"), BENCH_CLIENTS
// (e.g. "floor,ours"), BENCH_ONLY (e.g. "startup" or "throughput,memory": run only those parts; --write then
// leaves bench/RESULTS.md alone, since it would be incomplete).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { memory } from './lib/memory.mjs';
import { signedFloorRequest, startServer } from './lib/processes.mjs';
import { headlines, consoleTable, machine, memoryLines, readLoad, startupLines, writeResults } from './lib/report.mjs';
import { CLIENTS, MODES, PARTS, ROUNDS, SECONDS, WARMUP_MS, benchDir, cleanEnv, log } from './lib/settings.mjs';
import { startup } from './lib/startup.mjs';
import { fmt } from './lib/stats.mjs';
import { throughput } from './lib/throughput.mjs';

const WRITE_RESULTS = process.argv.slice(2).includes('--write');

const started = Date.now();

async function main() {
  const m = machine();
  m.loadAtStart = m.load;
  log(`qianfan-console benchmark — ${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.date}`);
  log(`${ROUNDS} rounds × ${MODES.length} modes × ${CLIENTS.length} clients, ${SECONDS} s each after ${WARMUP_MS} ms warm-up`);
  const server = await startServer();
  let tp, st, mem;
  try {
    const floorRequest = await signedFloorRequest(server.baseUrl);
    if (PARTS.includes('throughput')) {
      log('\nthroughput');
      tp = await throughput(server, floorRequest);
    }
    if (PARTS.includes('startup')) {
      log('\nstart-up');
      st = await startup(server, floorRequest);
    }
    if (PARTS.includes('memory')) {
      log('\nmemory');
      mem = await memory(server, floorRequest);
    }
  } finally {
    server.close();
  }
  m.load = readLoad();
  const list = headlines(tp, st, mem);
  const out = [
    '',
    ...(tp ? [consoleTable(tp), ''] : []),
    ...(st ? startupLines(st) : []),
    ...(mem ? memoryLines(mem) : []),
    '',
    'headline figures, median (range over rounds or processes; expect ±15 % between runs):',
    ...list.map((t) => `  ${t.name}: ${t.shown}`),
  ];
  console.log(out.join('\n'));
  if (WRITE_RESULTS)
    console.log(
      tp && st && mem
        ? `\nwrote ${writeResults(m, tp, st, mem, list)}`
        : '\n--write: bench/RESULTS.md left alone, since BENCH_ONLY ran only part of the benchmark',
    );
  await runScaleScripts();
  console.log(`benchmark took ${fmt((Date.now() - started) / 1000, 0)} s`);
}

/** Every bench/scale-*.mjs present, one after another, each printing its own figures; none present is fine. */
async function runScaleScripts() {
  const scripts = readdirSync(benchDir)
    .filter((name) => /^scale-.*\.mjs$/.test(name))
    .sort();
  for (const script of scripts) {
    console.log(`\n${script}`);
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, [join(benchDir, script)], { cwd: join(benchDir, '..'), env: cleanEnv(), stdio: 'inherit' });
      child.once('error', () => resolve(-1));
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) {
      console.log(`${script} exited with ${code}`);
      process.exitCode = 1;
    }
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
