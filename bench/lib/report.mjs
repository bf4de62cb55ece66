// The report: the machine and code measured, the headline figures, the tables printed to the console,
// and the generated section of bench/RESULTS.md.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CLIENTS,
  CLIENT_LABEL,
  EXTRA_DESCRIPTORS,
  FIRST_WARMUP_MS,
  MODE_LABEL,
  ROUNDS,
  RSS_RUNS,
  SECONDS,
  STARTUP_RUNS,
  WARMUP_MS,
  benchDir,
} from './settings.mjs';
import { fmt, range } from './stats.mjs';

export function machine() {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model?.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    load: readLoad(),
    revision: revision(),
  };
}

export function revision() {
  if (process.env.BENCH_REVISION) return process.env.BENCH_REVISION;
  try {
    const git = (args) =>
      execFileSync('git', ['-C', fileURLToPath(new URL('../..', import.meta.url)), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git(['status', '--porcelain', '--', 'src', 'actions', 'scripts', 'package.json']).split('\n').filter(Boolean).length;
    return `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ` + ${dirty} uncommitted change(s) under src/, actions/, scripts/, package.json` : ''}`;
  } catch {
    return 'unknown';
  }
}

export function readLoad() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** The headline figures, each as its median and the range it spread over; no verdicts: a shared machine moves them by ±15 %. */
export function headlines(tp, st, mem) {
  const row = (c) => tp?.summary.find((s) => s.concurrency === c)?.clients;
  const list = [];
  const add = (name, value, [lo, hi], unit, digits = 1) =>
    list.push({ name, shown: `${fmt(value, digits)}${unit} (range ${fmt(lo, digits)}–${fmt(hi, digits)}${unit})` });
  for (const [concurrency, label] of [
    [1, 'sequential'],
    [32, 'concurrency 32'],
  ]) {
    const ours = row(concurrency)?.ours;
    if (!ours) continue;
    add(`${label}, calls/s against raw undici`, ours.vsFloor, ours.vsFloorRange, '×', 2);
    add(`${label}, calls/s against the official SDK`, ours.vsOfficial, ours.vsOfficialRange, '×');
  }
  if (st) {
    add('import, over bare node', st.importOverBareMs, st.importOverBareRange, ' ms');
    add('first call from a fresh process, to its result, over bare node', st.firstCallToResultOverBareMs, st.firstCallToResultOverBareRange, ' ms');
    add(
      `first call with ${fmt(EXTRA_DESCRIPTORS, 0)} extra descriptors on the search path, change`,
      st.extraChange * 100,
      st.extraChangeRange.map((x) => x * 100),
      ' %',
    );
  }
  if (mem) {
    add('RSS after 10,000 calls', mem.after10kMB, mem.after10kRange, ' MB');
    add('RSS growth over a second 10,000 calls', mem.growthMB, mem.growthRange, ' MB');
  }
  return list;
}

export function throughputTable(tp) {
  const header = '| mode | client | calls/s | p50 ms | p99 ms | CPU µs/call | × floor | × official | calls/s per round |';
  const lines = [header, '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |'];
  for (const { concurrency, clients } of tp.summary) {
    for (const client of CLIENTS) {
      const r = clients[client];
      lines.push(
        `| ${MODE_LABEL(concurrency)} | ${CLIENT_LABEL[client]} | ${fmt(r.callsPerSecond, 0)} | ${fmt(r.p50Ms, 2)} | ${fmt(r.p99Ms, 2)} | ${fmt(r.cpuUsPerCall, 0)} | ` +
          `${fmt(r.vsFloor, 2)} | ${fmt(r.vsOfficial, 1)} | ${r.perRound.map((x) => fmt(x, 0)).join(', ')} |`,
      );
    }
  }
  return lines.join('\n');
}

export function consoleTable(tp) {
  const cols = ['mode', 'client', 'calls/s', 'range over rounds', 'p50 ms', 'p99 ms', 'CPU µs/call', '× floor', '× official'];
  const rows = [];
  for (const { concurrency, clients } of tp.summary) {
    for (const client of CLIENTS) {
      const r = clients[client];
      const [lo, hi] = range(r.perRound);
      rows.push([
        MODE_LABEL(concurrency),
        CLIENT_LABEL[client],
        fmt(r.callsPerSecond, 0),
        `${fmt(lo, 0)}–${fmt(hi, 0)}`,
        fmt(r.p50Ms, 2),
        fmt(r.p99Ms, 2),
        fmt(r.cpuUsPerCall, 0),
        fmt(r.vsFloor, 2),
        fmt(r.vsOfficial, 1),
      ]);
    }
  }
  const widths = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function startupLines(st) {
  return [
    `bare \`node -e 0\`: ${fmt(st.bareMs)} ms (an ESM entry alone adds ${fmt(st.esmEntryOverBareMs)} ms)`,
    `import the package: ${fmt(st.importOverBareMs)} ms over bare node (in-process import ${fmt(st.importInProcessMs)} ms)`,
    `first call from a fresh process: ${fmt(st.firstCallToResultOverBareMs)} ms over bare node to its result, ${fmt(st.firstCallOverBareMs)} ms to the process's exit (in-process: node start ${fmt(st.firstCallSplit.bootMs)} ms, import ${fmt(st.firstCallSplit.importMs)} ms, first call ${fmt(st.firstCallSplit.firstCallMs)} ms, close ${fmt(st.firstCallSplit.closeMs)} ms, then ${fmt(st.firstCallSplit.exitWaitMs)} ms before the process may exit)`,
    `  the floor's first call (raw undici, imported as \`undici\`, the request signed beforehand), for reference: ${fmt(st.floorCallToResultOverBareMs)} ms over bare node to its result, ${fmt(st.floorCallOverBareMs)} ms to the process's exit (in-process: import ${fmt(st.floorCallSplit.importMs)} ms, call ${fmt(st.floorCallSplit.firstCallMs)} ms, then ${fmt(st.floorCallSplit.exitWaitMs)} ms before the process may exit)`,
    `  with ${fmt(EXTRA_DESCRIPTORS, 0)} extra descriptors on QIANFAN_ACTIONS_PATH: ${fmt(st.firstCallExtraToResultOverBareMs)} ms over bare node to its result (${st.extraChange >= 0 ? '+' : ''}${fmt(st.extraChange * 100)} %; in-process first call ${fmt(st.firstCallExtraSplit.firstCallMs)} ms)`,
  ];
}

export function memoryLines(mem) {
  return [
    `RSS (sequential calls): ${fmt(mem.startMB)} MB before the first call, ${fmt(mem.after10kMB)} MB after 10,000 calls, ${fmt(mem.after20kMB)} MB after 20,000 (growth ${mem.growthMB >= 0 ? '+' : ''}${fmt(mem.growthMB)} MB)`,
    `  V8 heap reserved ${fmt(mem.heapTotal10kMB)} MB → ${fmt(mem.heapTotal20kMB)} MB; live heap after a forced GC ${fmt(mem.heapAfterGc10kMB, 2)} MB → ${fmt(mem.heapAfterGc20kMB, 2)} MB`,
    `  the floor, for reference: RSS ${fmt(mem.floor.after10kMB)} MB after 10,000 calls, ${fmt(mem.floor.after20kMB)} MB after 20,000 (V8 heap reserved ${fmt(mem.floor.heapTotal10kMB)} MB)`,
  ];
}

export const START = '<!-- bench:generated:start -->';
export const END = '<!-- bench:generated:end -->';
export const HAND_WRITTEN = `## What each change bought

_Hand-written; \`npm run bench\` keeps this section. For each optimisation: what the profile showed, the
change, and the figures before and after (same machine, same run settings)._
`;

export function writeResults(m, tp, st, mem, list) {
  const file = join(benchDir, 'RESULTS.md');
  const generated = [
    START,
    '<!-- Generated by `npm run bench` (bench/run.mjs); everything between these markers is replaced on each run. -->',
    '',
    `Run ${m.date} on ${m.cpu}, ${m.cores} cores, ${m.memoryGB} GB, Node ${m.node} (${m.platform}); load average at the start ${m.loadAtStart}, at the end ${m.load}. Code: ${m.revision}.`,
    `Each client in its own long-lived process per mode, warmed up ${FIRST_WARMUP_MS} ms once; then ${ROUNDS} rounds of one ${SECONDS} s slice per client (after ${WARMUP_MS} ms of warm-up), one client at a time, the floor and ours back to back (alternating which first), the others rotated; medians over rounds (ratios paired by round).`,
    'A benchmark on a shared machine: figures move by ±15 % from run to run; compare figures from the same run, and read the ranges (lowest–highest round or process) beside the medians.',
    'Server: node:http on loopback in its own process, keep-alive, a fixed `{"requestId":…,"result":true}`. Call: `/v2/finetuning` `DescribeFineTuningTask` `{taskId}`.',
    'The floor sends a request signed once through undici\'s `request()` and reads the JSON answer with `body.text()`; "raw undici dispatch" sends the same request through undici\'s lower-level `dispatch()` with a handler that collects the body, as our transport does, and shows what our pipeline costs over the leanest sender undici allows.',
    '',
    '### Headline figures',
    '',
    '| figure | median (range) |',
    '| --- | --- |',
    ...list.map((t) => `| ${t.name} | ${t.shown} |`),
    '',
    '### Throughput and latency',
    '',
    tp ? throughputTable(tp) : '_not run_',
    '',
    '### Start-up (medians over ' + STARTUP_RUNS + ' fresh processes each)',
    '',
    ...(st ? startupLines(st).map((l) => `- ${l}`) : ['_not run_']),
    '',
    '### Memory (median of ' + RSS_RUNS + ' processes; ours, default undici transport)',
    '',
    ...(mem ? memoryLines(mem).map((l) => `- ${l}`) : ['_not run_']),
    '',
    END,
  ].join('\n');
  let text;
  if (existsSync(file)) {
    const old = readFileSync(file, 'utf8');
    const a = old.indexOf(START);
    const b = old.indexOf(END);
    text = a >= 0 && b > a ? old.slice(0, a) + generated + old.slice(b + END.length) : `# Benchmark results\n\n${generated}\n\n${old}`;
  } else {
    text = `# Benchmark results\n\n\`npm run bench\` — see bench/run.mjs for what is measured and how.\n\n${generated}\n\n${HAND_WRITTEN}`;
  }
  writeFileSync(file, text);
  return file;
}
