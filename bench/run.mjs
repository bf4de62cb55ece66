// `npm run bench`: qianfan-console side by side with the floor (raw undici sending a fixed signed request)
// and the official SDK (@baiducloud/qianfan consoleAction), against one loopback server in its own process;
// each client runs in a process of its own, measured in short slices taken in turn over several rounds (the
// order rotated), medians compared.
// Then start-up (import, first call, first call with 1,000 extra descriptors) over a bare `node -e 0`, and
// RSS after 10,000 and 20,000 calls. On a shared machine these figures move by ±15 % from run to run, so
// each is printed with its range (lowest to highest round or process) beside the median. Last, every
// bench/scale-*.mjs present runs in turn and prints its own figures (bench/lib/scale.mjs).
// `npm run bench -- --write` also rewrites the generated section of bench/RESULTS.md, and the generated
// block of its Scale section (between bench:scale markers) with what the scale scripts printed; the
// hand-written text around both is kept. Without --write no file is touched. A benchmark, not a test: it judges nothing and exits 0 unless a measurement itself failed.
//
// Knobs (environment): BENCH_ROUNDS (10), BENCH_SECONDS per measured slice (1), BENCH_WARMUP_MS before each slice (200),
// BENCH_STARTUP_RUNS (20), BENCH_RSS_RUNS (3), BENCH_MODES (e.g. "1,32,256"), BENCH_CLIENTS
// (e.g. "floor,ours"), BENCH_ONLY (e.g. "startup" or "throughput,memory" or "scale": run only those of the
// parts throughput, startup, memory and scale; --write then rewrites only what ran whole: the generated
// section needs the first three, the Scale block the scale scripts). BENCH_* knobs are not passed on to
// the scale scripts, which run with their own defaults.
import { memory } from './lib/memory.mjs';
import { signedFloorRequest, startServer } from './lib/processes.mjs';
import { headlines, consoleTable, machine, memoryLines, readLoad, startupLines, writeResults } from './lib/report.mjs';
import { runScaleScripts, writeScaleResults } from './lib/scale.mjs';
import { CLIENTS, MODES, PARTS, ROUNDS, SECONDS, WARMUP_MS, log } from './lib/settings.mjs';
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
  if (tp || st || mem) console.log(out.join('\n'));
  if (WRITE_RESULTS)
    console.log(
      tp && st && mem
        ? `\nwrote ${writeResults(m, tp, st, mem, list)}`
        : '\n--write: the generated section of bench/RESULTS.md left alone, since BENCH_ONLY ran only part of the benchmark',
    );
  if (PARTS.includes('scale')) {
    const scaleMachine = machine();
    const runs = await runScaleScripts();
    const failed = runs.filter((r) => r.code !== 0);
    for (const { script, code } of failed) console.log(`${script} exited with ${code}`);
    if (failed.length > 0) process.exitCode = 1;
    if (WRITE_RESULTS)
      console.log(
        failed.length === 0 && runs.length > 0
          ? `\nwrote the Scale figures into ${writeScaleResults({ ...scaleMachine, loadAtStart: scaleMachine.load, load: readLoad() }, runs)}`
          : '\n--write: the Scale figures in bench/RESULTS.md left alone, since a scale script failed or none ran',
      );
  }
  console.log(`benchmark took ${fmt((Date.now() - started) / 1000, 0)} s`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
