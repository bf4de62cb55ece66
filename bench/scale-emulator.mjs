// The emulator at scale (issue 16). Run after `npm run build`: node bench/scale-emulator.mjs
// Prints, and checks against the targets:
//   1. first-page latency of DescribeFineTuningJobs with 100 / 10,000 / 100,000 jobs stored
//      (target: at 100,000 within 2× of at 100);
//   2. create latency under --state with 0 / 20,000 records stored (target: within 2×), and the cost of
//      one compaction (a close) at 20,000;
//   3. calls/s of the emulator answering DescribeFineTuningTask (a record with a lifecycle), over calls/s of a bare node:http server
//      (bench/server.mjs) answering a fixed body: the same fixed signed request from the same undici
//      client, each server in a process of its own, in the same run (target: ≥ 0.6).
// Stored records are seeded by writing a state file, as a long-running emulator would have left it.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { createClient, sign, startEmulator } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROUTE = '/v2/finetuning';
const KEYS = { accessKey: 'ALTAKbenchScaleAccessKey', secretKey: 'bench-scale-secret-key' };
if (process.argv[2] === '--serve') await serve();
const work = mkdtempSync(join(tmpdir(), 'qf-bench-scale-'));

/** The emulator in a process of its own, until the parent says close. */
async function serve() {
  const emulator = await startEmulator(KEYS);
  process.send({ type: 'listening', url: emulator.url });
  process.on('message', async (message) => {
    if (message?.type !== 'close') return;
    await emulator.close();
    process.exit(0);
  });
  await new Promise(() => {});
}

/** A state file holding `count` fine-tuning jobs. */
function seededState(name, count) {
  const path = join(work, `${name}.json`);
  const jobs = [];
  for (let seq = 1; seq <= count; seq++) {
    const id = `job-${String(seq).padStart(12, '0')}`;
    jobs.push({
      id,
      seq,
      data: { jobId: id, name: `job-${seq}`, description: '', model: 'ERNIE-Speed-8K', trainMode: seq % 2 ? 'SFT' : 'DPO', createDate: '2026-01-01T00:00:00Z' },
    });
  }
  writeFileSync(path, JSON.stringify({ format: 'qianfan-console-emulator-state', version: 1, nextSeq: count + 1, resources: { fineTuningJobs: jobs } }));
  return path;
}

/** Median and mean milliseconds of `times` sequential calls, after a warm-up of 50. */
async function latency(call, times) {
  for (let i = 0; i < 50; i++) await call(i);
  const samples = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await call(i);
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length / 2)], mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

async function withEmulator(statePath, use) {
  const emulator = await startEmulator({ ...KEYS, statePath });
  const qf = createClient({ ...KEYS, baseUrl: emulator.url, maxAttempts: 1 });
  try {
    return await use(qf, emulator);
  } finally {
    await qf.close();
    await emulator.close();
  }
}

const fmt = (ms) => `${ms.toFixed(3)} ms`;
const verdicts = [];
function verdict(what, ratio, limit, atMost) {
  const ok = atMost ? ratio <= limit : ratio >= limit;
  verdicts.push(ok);
  console.log(`  ${what}: ${ratio.toFixed(2)} (target ${atMost ? '≤' : '≥'} ${limit}) ${ok ? 'met' : 'MISSED'}`);
}

console.log('1. first page of DescribeFineTuningJobs (maxKeys 10), 500 sequential calls');
const firstPage = {};
// A first round at 100 warms the JIT, so the size, not the order, makes the difference.
for (const count of [100, 100, 10_000, 100_000]) {
  firstPage[count] = await withEmulator(seededState(`jobs-${count}`, count), (qf) => latency(() => qf.callAction(ROUTE, 'DescribeFineTuningJobs', {}), 500));
  console.log(`  ${String(count).padStart(7)} jobs: p50 ${fmt(firstPage[count].p50)}, mean ${fmt(firstPage[count].mean)}`);
}
verdict('p50 at 100,000 ÷ at 100', firstPage[100_000].p50 / firstPage[100].p50, 2, true);

console.log('2. CreateFineTuningJob under --state, 500 sequential calls');
const create = {};
for (const count of [0, 20_000]) {
  const path = seededState(`create-${count}`, count);
  let closeMs;
  create[count] = await withEmulator(path, async (qf, emulator) => {
    const measured = await latency(() => qf.callAction(ROUTE, 'CreateFineTuningJob', { name: 'bench', model: 'ERNIE-Speed-8K', trainMode: 'SFT' }), 500);
    const started = performance.now();
    await emulator.close();
    closeMs = performance.now() - started;
    return measured;
  });
  console.log(
    `  ${String(count).padStart(6)} records: p50 ${fmt(create[count].p50)}, mean ${fmt(create[count].mean)}; close (one compaction of ${count + 550} records) ${fmt(closeMs)}`,
  );
}
verdict('p50 at 20,000 ÷ at 0', create[20_000].p50 / create[0].p50, 2, true);

console.log(
  '3. DescribeFineTuningTask calls/s: emulator ÷ bare node:http server (same client, 32 in flight, 3 × 3 s each, interleaved, after 1 s of warm-up each)',
);
function started(child, ready) {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    ready(child, resolve);
  });
}
const bare = fork(join(here, 'server.mjs'), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const barePort = await started(bare, (child, resolve) => child.on('message', (m) => m?.type === 'listening' && resolve(m.port)));
// The emulator as startEmulator runs it (this script, forked with --serve), without a log.
const emulatorChild = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const emulatorUrl = await started(emulatorChild, (child, resolve) => child.on('message', (m) => m?.type === 'listening' && resolve(m.url)));
const setup = createClient({ ...KEYS, baseUrl: emulatorUrl, maxAttempts: 1 });
const { jobId } = (await setup.callAction(ROUTE, 'CreateFineTuningJob', { name: 'bench', model: 'ERNIE-Speed-8K', trainMode: 'SFT' })).result;
const training = {
  parameterScale: 'LoRA',
  hyperParameterConfig: { epoch: 1 },
  datasetConfig: { sourceType: 'Platform', versions: [{ versionId: 'ds-he8srs01ym0b8fh7' }] },
};
const { taskId } = (await setup.callAction(ROUTE, 'CreateFineTuningTask', { jobId, ...training })).result;
await setup.close();

/** A fixed request signed once (valid for 30 minutes), as the emulator checks it. */
function fixedRequest(origin) {
  const body = JSON.stringify({ taskId });
  const timestamp = new Date().toISOString().slice(0, 19) + 'Z';
  const headers = {
    host: new URL(origin).host,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-bce-date': timestamp,
  };
  const { authorization } = sign(KEYS, {
    method: 'POST',
    path: ROUTE,
    query: [['Action', 'DescribeFineTuningTask']],
    headers,
    timestamp,
    expirationSeconds: 1800,
    headersToSign: ['content-type', 'host', 'x-bce-date'],
    exactHeaders: true,
  });
  return { path: `${ROUTE}?Action=DescribeFineTuningTask`, method: 'POST', headers: { ...headers, authorization }, body };
}

/** CPU seconds a process has used so far (Linux /proc; undefined elsewhere). */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Calls/s against one server, and the server's CPU microseconds per call. */
async function throughput(origin, pid, seconds) {
  const pool = new Pool(origin, { connections: 32, keepAliveTimeout: 4_000 });
  const request = fixedRequest(origin);
  let calls = 0;
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const response = await pool.request(request);
      const text = await response.body.text();
      if (response.statusCode !== 200) throw new Error(`${origin} answered ${response.statusCode}: ${text}`);
      calls++;
    }
  };
  const cpuBefore = cpuSeconds(pid);
  const began = performance.now();
  await Promise.all(Array.from({ length: 32 }, worker));
  const rate = calls / ((performance.now() - began) / 1000);
  const cpuAfter = cpuSeconds(pid);
  await pool.close();
  return { rate, cpuPerCallUs: cpuBefore === undefined ? undefined : ((cpuAfter - cpuBefore) * 1e6) / calls };
}

const bareOrigin = `http://127.0.0.1:${barePort}`;
await throughput(bareOrigin, bare.pid, 1);
await throughput(emulatorUrl, emulatorChild.pid, 1);
const runs = { bare: [], emulator: [] };
for (let round = 0; round < 3; round++) {
  runs.bare.push(await throughput(bareOrigin, bare.pid, 3));
  runs.emulator.push(await throughput(emulatorUrl, emulatorChild.pid, 3));
}
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const show = (list) => list.map((r) => `${r.rate.toFixed(0)}/s (${r.cpuPerCallUs?.toFixed(0) ?? '?'} µs CPU per call)`).join(', ');
console.log(`  bare node:http: ${show(runs.bare)}`);
console.log(`  emulator:       ${show(runs.emulator)}`);
verdict('emulator ÷ bare, calls/s', mean(runs.emulator.map((r) => r.rate)) / mean(runs.bare.map((r) => r.rate)), 0.6, false);
if (runs.bare[0].cpuPerCallUs !== undefined) {
  // On a busy machine the wall-clock ratio swings with the neighbours; CPU per call does not.
  console.log(
    `  emulator ÷ bare, calls per CPU second: ${(mean(runs.bare.map((r) => r.cpuPerCallUs)) / mean(runs.emulator.map((r) => r.cpuPerCallUs))).toFixed(2)}`,
  );
}
bare.send({ type: 'close' });
emulatorChild.send({ type: 'close' });
await Promise.all([new Promise((r) => bare.once('exit', r)), new Promise((r) => emulatorChild.once('exit', r))]);
console.log(verdicts.every(Boolean) ? 'all targets met' : 'some targets missed');
