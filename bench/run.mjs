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
import { execFileSync, fork, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = fileURLToPath(new URL('.', import.meta.url));
const env = process.env;
const ROUNDS = Number(env.BENCH_ROUNDS ?? 10);
const SECONDS = Number(env.BENCH_SECONDS ?? 1);
const WARMUP_MS = Number(env.BENCH_WARMUP_MS ?? 200);
const FIRST_WARMUP_MS = 1000;
const STARTUP_RUNS = Number(env.BENCH_STARTUP_RUNS ?? 20);
const RSS_RUNS = Number(env.BENCH_RSS_RUNS ?? 3);
const MODES = (env.BENCH_MODES ?? '1,32,256').split(',').map(Number);
const CLIENTS = (env.BENCH_CLIENTS ?? 'floor,ours,dispatch,fetch,official').split(',');
const PARTS = (env.BENCH_ONLY ?? 'throughput,startup,memory').split(',');
const CLIENT_LABEL = { floor: 'floor (raw undici)', ours: 'ours (undici)', dispatch: 'raw undici dispatch', fetch: 'ours (fetch)', official: 'official SDK' };
const MODE_LABEL = (c) => (c === 1 ? 'sequential' : `concurrency ${c}`);
const ACCESS_KEY = 'bench-access-key-0123456789abcdef';
const SECRET_KEY = 'bench-secret-key-fedcba9876543210';
const EXTRA_DESCRIPTORS = 1000;

const WRITE_RESULTS = process.argv.slice(2).includes('--write');

const started = Date.now();
const log = (line) => process.stderr.write(`${line}\n`);
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Lowest and highest of the finite values: how far the rounds or processes spread. */
const range = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x));
  return s.length ? [Math.min(...s), Math.max(...s)] : [NaN, NaN];
};
const rotate = (xs, n) => xs.map((_, i) => xs[(i + n) % xs.length]);

// A working directory with no .env (the official SDK runs dotenv.config() on every call) and the
// extra descriptors.
const work = mkdtempSync(join(tmpdir(), 'qianfan-bench-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

/** An environment without any QIANFAN_* of the caller's, plus the given variables. */
function cleanEnv(extra = {}) {
  const out = {};
  for (const [k, v] of Object.entries(env)) if (!k.startsWith('QIANFAN_') && !k.startsWith('BENCH_') && k !== 'NODE_OPTIONS') out[k] = v;
  return { ...out, ...extra };
}

// ---------------------------------------------------------------------------------------------------
// The server

function startServer() {
  const child = fork(join(here, 'server.mjs'), [], { cwd: work, env: cleanEnv(), execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let nextId = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    if (m?.type === 'count') {
      waiting.get(m.id)?.(m.count);
      waiting.delete(m.id);
    }
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m) => {
      if (m?.type !== 'listening') return reject(new Error('server did not start'));
      resolve({
        baseUrl: `http://127.0.0.1:${m.port}`,
        count: () =>
          new Promise((res) => {
            const id = nextId++;
            waiting.set(id, res);
            child.send({ type: 'count', id });
          }),
        close: () => {
          child.send({ type: 'close' });
          child.disconnect();
        },
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// Throughput: one long-lived process per (client, mode), measured in short slices taken in turn

/** A client process that makes calls only when told to: {type:'run'} → one result. */
async function startClientProcess(config, extraEnv) {
  const child = fork(join(here, 'client.mjs'), [JSON.stringify(config)], {
    cwd: work,
    env: cleanEnv(extraEnv),
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const label = `${CLIENT_LABEL[config.client]} (${MODE_LABEL(config.concurrency)})`;
  let pending;
  child.on('message', (m) => {
    const settle = pending;
    pending = undefined;
    if (m?.type === 'error') settle?.reject(new Error(`${label} failed: ${m.message}`));
    else settle?.resolve(m);
  });
  child.once('exit', (code) => pending?.reject(new Error(`${label} exited with code ${code}`)));
  const next = () => new Promise((resolve, reject) => (pending = { resolve, reject }));
  const ready = await next();
  if (ready?.type !== 'ready') throw new Error(`${label} did not start`);
  return {
    run: (warmupMs, seconds) => {
      const result = next();
      child.send({ type: 'run', warmupMs, seconds });
      return result;
    },
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.send({ type: 'close' });
      }),
  };
}

/** A single-shot client process (the memory probe): runs, reports, exits. */
function runClient(config, { execArgv = [], extraEnv = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(join(here, 'client.mjs'), [JSON.stringify(config)], {
      cwd: work,
      env: cleanEnv(extraEnv),
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result;
    child.on('message', (m) => (result = m));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (result?.type === 'result') resolve(result);
      else reject(new Error(`${config.client} (${MODE_LABEL(config.concurrency)}) failed with exit code ${code}: ${result?.message ?? 'no result'}`));
    });
  });
}

async function signedFloorRequest(baseUrl) {
  const { createClient } = await import('qianfan-console');
  const client = createClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, baseUrl });
  const request = client.signRequest(client.prepare('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-0tgmn4a7h4i6' }));
  await client.close();
  return { origin: request.origin, path: request.path, headers: request.headers, body: request.body };
}

/**
 * The clients of one round and mode: the floor and ours back to back (alternating which goes first), so
 * that the ratio against the floor compares two slices a second apart; then the others, rotated. On a
 * shared machine whose speed drifts within a run, pairs measured further apart disagree far more.
 */
function runOrder(n) {
  const pair = (n % 2 === 0 ? ['floor', 'ours'] : ['ours', 'floor']).filter((c) => CLIENTS.includes(c));
  return [
    ...pair,
    ...rotate(
      CLIENTS.filter((c) => !pair.includes(c)),
      n,
    ),
  ];
}

/**
 * Per mode, every client starts in a process of its own and warms up once (JIT, connections); then the
 * rounds take a short measured slice of each in turn, one client running at a time. Slices of the
 * floor and ours taken back to back make the pairs the ratios are computed from.
 */
async function throughput(server, floorRequest) {
  const runs = []; // { client, concurrency, round, ...result }
  const total = ROUNDS * MODES.length * CLIENTS.length;
  for (const concurrency of MODES) {
    const processes = {};
    try {
      for (const client of CLIENTS) {
        const config = { client, concurrency, baseUrl: server.baseUrl, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, request: floorRequest };
        const extraEnv =
          client === 'official' ? { QIANFAN_ACCESS_KEY: ACCESS_KEY, QIANFAN_SECRET_KEY: SECRET_KEY, QIANFAN_CONSOLE_API_BASE_URL: server.baseUrl } : {};
        processes[client] = await startClientProcess(config, extraEnv);
        await processes[client].run(FIRST_WARMUP_MS, 0);
      }
      for (let round = 0; round < ROUNDS; round++) {
        for (const client of runOrder(round + MODES.indexOf(concurrency))) {
          const before = await server.count();
          const result = await processes[client].run(WARMUP_MS, SECONDS);
          const seen = (await server.count()) - before;
          const sent = result.calls + result.warmupCalls;
          if (seen !== sent) log(`  ! ${client} ${MODE_LABEL(concurrency)}: reported ${sent} calls, the server saw ${seen}`);
          runs.push({ client, concurrency, round, ...result, serverSaw: seen });
          log(
            `  [${runs.length}/${total}] round ${round + 1} ${MODE_LABEL(concurrency).padEnd(15)} ${CLIENT_LABEL[client].padEnd(19)} ` +
              `${fmt(result.callsPerSecond, 0).padStart(7)} calls/s  p50 ${fmt(result.p50Ms, 2)} ms  p99 ${fmt(result.p99Ms, 2)} ms`,
          );
        }
      }
    } finally {
      await Promise.all(Object.values(processes).map((p) => p.close()));
    }
  }
  const summary = [];
  for (const concurrency of MODES) {
    const row = {};
    for (const client of CLIENTS) {
      const mine = runs.filter((r) => r.client === client && r.concurrency === concurrency);
      row[client] = {
        callsPerSecond: median(mine.map((r) => r.callsPerSecond)),
        p50Ms: median(mine.map((r) => r.p50Ms)),
        p99Ms: median(mine.map((r) => r.p99Ms)),
        cpuUsPerCall: median(mine.map((r) => r.cpuUsPerCall)),
        perRound: mine.map((r) => r.callsPerSecond),
      };
    }
    // Ratios are paired by round (the clients of one round ran back to back), then the median is taken:
    // steadier than a ratio of medians when the machine's load drifts during the run.
    const pairedRatio = (client, base) => {
      if (!row[base]) return [];
      const mine = runs.filter((r) => r.client === client && r.concurrency === concurrency);
      const theirs = runs.filter((r) => r.client === base && r.concurrency === concurrency);
      return mine.map((r) => r.callsPerSecond / (theirs.find((t) => t.round === r.round)?.callsPerSecond ?? NaN));
    };
    for (const client of CLIENTS) {
      const vsFloor = pairedRatio(client, 'floor');
      const vsOfficial = pairedRatio(client, 'official');
      Object.assign(row[client], {
        vsFloor: median(vsFloor),
        vsFloorRange: range(vsFloor),
        vsOfficial: median(vsOfficial),
        vsOfficialRange: range(vsOfficial),
      });
    }
    summary.push({ concurrency, clients: row });
  }
  return { runs, summary };
}

// ---------------------------------------------------------------------------------------------------
// Start-up: fresh processes, whole-process wall time, medians

function timeProcess(args, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: work, env: cleanEnv(extraEnv), stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited with ${code}`));
      resolve({ wallMs, inner: out ? JSON.parse(out) : {} });
    });
  });
}

/** 1,000 valid descriptors under 10 areas (one of them finetuning, the area of the measured call). */
function writeExtraDescriptors(dir) {
  const areas = ['finetuning', 'benchalpha', 'benchbeta', 'benchgamma', 'benchdelta', 'benchepsilon', 'benchzeta', 'bencheta', 'benchtheta', 'benchiota'];
  const perArea = EXTRA_DESCRIPTORS / areas.length;
  for (const area of areas) {
    mkdirSync(join(dir, area), { recursive: true });
    for (let i = 0; i < perArea; i++) {
      const action = `DescribeBenchThing${String(i).padStart(3, '0')}`;
      writeFileSync(
        join(dir, area, `${action}.yaml`),
        `action: ${action}
route: /v2/${area}
summary: Generated by bench/run.mjs to put ${EXTRA_DESCRIPTORS} extra descriptors on the search path.
docs: https://cloud.baidu.com/doc/qianfan-api/index.html
idempotent: true
body:
  type: object
  additionalProperties: false
  required: [thingId]
  properties:
    thingId: { type: string, minLength: 1, maxLength: 64 }
    verbose: { type: boolean }
    tags: { type: array, items: { type: string } }
result:
  type: object
  properties:
    thingId: { type: string }
    status: { type: string, enum: [Ready, Busy, Gone] }
examples:
  - body: { thingId: thing-${i} }
`,
      );
    }
  }
  return areas;
}

async function checkExtraDescriptors(dir, areas) {
  // Each generated area must load and validate (a broken generator would measure nothing).
  const { createClient } = await import('qianfan-console');
  const client = createClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, baseUrl: 'http://127.0.0.1:9', actionPaths: [dir], undescribedActions: 'refuse' });
  for (const area of areas) client.prepare(`/v2/${area}`, 'DescribeBenchThing007', { thingId: 'thing-7' });
  await client.close();
}

async function startup(server, floorRequest) {
  const extraDir = join(work, 'extra-actions');
  const areas = writeExtraDescriptors(extraDir);
  await checkExtraDescriptors(extraDir, areas);
  const callEnv = { QIANFAN_ACCESS_KEY: ACCESS_KEY, QIANFAN_SECRET_KEY: SECRET_KEY, QIANFAN_CONSOLE_API_BASE_URL: server.baseUrl };
  const probes = {
    bare: () => timeProcess(['-e', '0']),
    esmEntry: () => timeProcess(['--input-type=module', '-e', '0']),
    import: () => timeProcess([join(here, 'start-import.mjs')]),
    firstCall: () => timeProcess([join(here, 'start-first-call.mjs')], callEnv),
    firstCallExtra: () => timeProcess([join(here, 'start-first-call.mjs')], { ...callEnv, QIANFAN_ACTIONS_PATH: extraDir }),
    floorCall: () => timeProcess([join(here, 'start-floor-call.mjs')], { BENCH_FLOOR_REQUEST: JSON.stringify(floorRequest) }),
  };
  const names = Object.keys(probes);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) await probes[n](); // warm the file-system cache
  for (let i = 0; i < STARTUP_RUNS; i++) for (const n of rotate(names, i)) samples[n].push(await probes[n]());
  const wall = (n) => median(samples[n].map((s) => s.wallMs));
  // Each iteration ran every probe back to back: the differences are paired by iteration, then the median taken.
  const overBareSamples = (n) => samples[n].map((s, i) => s.wallMs - samples.bare[i].wallMs);
  const overBare = (n) => median(overBareSamples(n));
  // Up to the call's result: the process's wall time less the time it lingers after its work is done
  // (V8 finishing background optimisation of undici's llhttp WebAssembly, which Node waits for at exit).
  const toResult = (s) => s.wallMs - s.inner.exitWaitMs;
  const toResultSamples = (n) => samples[n].map((s, i) => toResult(s) - samples.bare[i].wallMs);
  const toResultOverBare = (n) => median(toResultSamples(n));
  const inner = (n, k) => median(samples[n].map((s) => s.inner[k]));
  const split = (n) => Object.fromEntries(['bootMs', 'importMs', 'firstCallMs', 'closeMs', 'exitWaitMs'].map((k) => [k, inner(n, k)]));
  const bare = wall('bare');
  const out = {
    bareMs: bare,
    esmEntryOverBareMs: overBare('esmEntry'),
    importOverBareMs: overBare('import'),
    importOverBareRange: range(overBareSamples('import')),
    importInProcessMs: inner('import', 'importMs'),
    firstCallOverBareMs: overBare('firstCall'),
    firstCallToResultOverBareMs: toResultOverBare('firstCall'),
    firstCallToResultOverBareRange: range(toResultSamples('firstCall')),
    firstCallSplit: split('firstCall'),
    firstCallExtraOverBareMs: overBare('firstCallExtra'),
    firstCallExtraToResultOverBareMs: toResultOverBare('firstCallExtra'),
    firstCallExtraSplit: split('firstCallExtra'),
    floorCallOverBareMs: overBare('floorCall'),
    floorCallToResultOverBareMs: toResultOverBare('floorCall'),
    floorCallSplit: split('floorCall'),
  };
  const extraChanges = samples.firstCallExtra.map(
    (s, i) => (toResult(s) - samples.bare[i].wallMs) / (toResult(samples.firstCall[i]) - samples.bare[i].wallMs) - 1,
  );
  out.extraChange = median(extraChanges);
  out.extraChangeRange = range(extraChanges);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Memory

async function memory(server, floorRequest) {
  // Sequential calls, the way a script or the CLI calls the console; the floor alongside for reference.
  const config = { mode: 'rss', concurrency: 1, batch: 10_000, baseUrl: server.baseUrl, accessKey: ACCESS_KEY, secretKey: SECRET_KEY, request: floorRequest };
  const runs = [];
  for (let i = 0; i < RSS_RUNS; i++) runs.push(await runClient({ ...config, client: 'ours' }, { execArgv: ['--expose-gc'] }));
  const floor = await runClient({ ...config, client: 'floor' }, { execArgv: ['--expose-gc'] });
  return {
    startMB: median(runs.map((r) => r.start.rssMB)),
    after10kMB: median(runs.map((r) => r.first.rssMB)),
    after10kRange: range(runs.map((r) => r.first.rssMB)),
    after20kMB: median(runs.map((r) => r.second.rssMB)),
    growthMB: median(runs.map((r) => r.second.rssMB - r.first.rssMB)),
    growthRange: range(runs.map((r) => r.second.rssMB - r.first.rssMB)),
    heapTotal10kMB: median(runs.map((r) => r.first.heapTotalMB)),
    heapTotal20kMB: median(runs.map((r) => r.second.heapTotalMB)),
    heapAfterGc10kMB: median(runs.map((r) => r.first.heapUsedAfterGcMB)),
    heapAfterGc20kMB: median(runs.map((r) => r.second.heapUsedAfterGcMB)),
    heapGrowthMB: median(runs.map((r) => r.second.heapUsedAfterGcMB - r.first.heapUsedAfterGcMB)),
    floor: { after10kMB: floor.first.rssMB, after20kMB: floor.second.rssMB, heapTotal10kMB: floor.first.heapTotalMB },
  };
}

// ---------------------------------------------------------------------------------------------------
// Report

function fmt(x, digits = 1) {
  if (!Number.isFinite(x)) return '–';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function machine() {
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

function revision() {
  if (env.BENCH_REVISION) return env.BENCH_REVISION;
  try {
    const git = (args) =>
      execFileSync('git', ['-C', fileURLToPath(new URL('..', import.meta.url)), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git(['status', '--porcelain', '--', 'src', 'actions', 'scripts', 'package.json']).split('\n').filter(Boolean).length;
    return `${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ` + ${dirty} uncommitted change(s) under src/, actions/, scripts/, package.json` : ''}`;
  } catch {
    return 'unknown';
  }
}

function readLoad() {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'unknown';
  }
}

/** The headline figures, each as its median and the range it spread over; no verdicts: a shared machine moves them by ±15 %. */
function headlines(tp, st, mem) {
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

function throughputTable(tp) {
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

function consoleTable(tp) {
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

function startupLines(st) {
  return [
    `bare \`node -e 0\`: ${fmt(st.bareMs)} ms (an ESM entry alone adds ${fmt(st.esmEntryOverBareMs)} ms)`,
    `import the package: ${fmt(st.importOverBareMs)} ms over bare node (in-process import ${fmt(st.importInProcessMs)} ms)`,
    `first call from a fresh process: ${fmt(st.firstCallToResultOverBareMs)} ms over bare node to its result, ${fmt(st.firstCallOverBareMs)} ms to the process's exit (in-process: node start ${fmt(st.firstCallSplit.bootMs)} ms, import ${fmt(st.firstCallSplit.importMs)} ms, first call ${fmt(st.firstCallSplit.firstCallMs)} ms, close ${fmt(st.firstCallSplit.closeMs)} ms, then ${fmt(st.firstCallSplit.exitWaitMs)} ms before the process may exit)`,
    `  the floor's first call (raw undici, imported as \`undici\`, the request signed beforehand), for reference: ${fmt(st.floorCallToResultOverBareMs)} ms over bare node to its result, ${fmt(st.floorCallOverBareMs)} ms to the process's exit (in-process: import ${fmt(st.floorCallSplit.importMs)} ms, call ${fmt(st.floorCallSplit.firstCallMs)} ms, then ${fmt(st.floorCallSplit.exitWaitMs)} ms before the process may exit)`,
    `  with ${fmt(EXTRA_DESCRIPTORS, 0)} extra descriptors on QIANFAN_ACTIONS_PATH: ${fmt(st.firstCallExtraToResultOverBareMs)} ms over bare node to its result (${st.extraChange >= 0 ? '+' : ''}${fmt(st.extraChange * 100)} %; in-process first call ${fmt(st.firstCallExtraSplit.firstCallMs)} ms)`,
  ];
}

function memoryLines(mem) {
  return [
    `RSS (sequential calls): ${fmt(mem.startMB)} MB before the first call, ${fmt(mem.after10kMB)} MB after 10,000 calls, ${fmt(mem.after20kMB)} MB after 20,000 (growth ${mem.growthMB >= 0 ? '+' : ''}${fmt(mem.growthMB)} MB)`,
    `  V8 heap reserved ${fmt(mem.heapTotal10kMB)} MB → ${fmt(mem.heapTotal20kMB)} MB; live heap after a forced GC ${fmt(mem.heapAfterGc10kMB, 2)} MB → ${fmt(mem.heapAfterGc20kMB, 2)} MB`,
    `  the floor, for reference: RSS ${fmt(mem.floor.after10kMB)} MB after 10,000 calls, ${fmt(mem.floor.after20kMB)} MB after 20,000 (V8 heap reserved ${fmt(mem.floor.heapTotal10kMB)} MB)`,
  ];
}

const START = '<!-- bench:generated:start -->';
const END = '<!-- bench:generated:end -->';
const HAND_WRITTEN = `## What each change bought

_Hand-written; \`npm run bench\` keeps this section. For each optimisation: what the profile showed, the
change, and the figures before and after (same machine, same run settings)._
`;

function writeResults(m, tp, st, mem, list) {
  const file = join(here, 'RESULTS.md');
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

// ---------------------------------------------------------------------------------------------------

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
  const scripts = readdirSync(here)
    .filter((name) => /^scale-.*\.mjs$/.test(name))
    .sort();
  for (const script of scripts) {
    console.log(`\n${script}`);
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, [join(here, script)], { cwd: join(here, '..'), env: cleanEnv(), stdio: 'inherit' });
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
