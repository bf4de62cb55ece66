// `node bench/scale-client.mjs` (after `npm run build`): what the client costs as bodies and catalogues grow.
//   1. Request bodies of 1 KB, 100 KB and 1 MB against a described (dropped-in) action with validation on
//      (the default, 'compatible'), sequential calls/s as a fraction of the floor: raw undici sending the
//      same bytes, signed once beforehand (as bench/run.mjs measures it); and of the floor serialising the
//      body object on each call (JSON.stringify, which any caller with an object pays). Slices taken in
//      turn, each client against a loopback server of its own.
//   2. The first call of a dropped-in action against that of the same descriptor built in, each in a fresh
//      process (medians).
//   3. Heap per 1,000 small dropped-in actions, each prepared (found, parsed, compiled, checked) once.
//   4. `qianfan-console list` with 10,000 dropped-in descriptors against `list` of the built-in set alone.
// Loopback only (bench/server.mjs in a child process); every loop is bounded in count and time.
// Each figure is printed as its median with its spread (lowest–highest round or process) beside it.
// A benchmark, not a test: it prints figures and the targets, and exits 0 either way.
// Knobs: BENCH_ROUNDS (5), BENCH_SECONDS per slice (1), BENCH_RUNS for the process measurements (5).
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ACCESS_KEY = 'bench-access-key-0123456789abcdef';
const SECRET_KEY = 'bench-secret-key-fedcba9876543210';

const RECORDS_SCHEMA = `body:
  type: object
  additionalProperties: false
  properties:
    name: { type: string, maxLength: 64 }
    records:
      type: array
      items:
        type: object
        additionalProperties: false
        required: [id, text]
        properties:
          id: { type: integer, minimum: 0 }
          text: { type: string, maxLength: 100000 }
          tags: { type: array, items: { type: string } }
result: { type: boolean }
`;

function descriptor(area, action, body = RECORDS_SCHEMA) {
  return `action: ${action}\nroute: /v2/${area}\nsummary: Bench action ${action}.\ndocs: https://example.invalid/bench\nidempotent: true\n${body}`;
}

/** A body of about `bytes` bytes of JSON: records of ~100 bytes each, as a batch upload would send. */
function bodyOf(bytes) {
  const records = [];
  // The length of JSON.stringify(records), kept as records are added rather than measured again each time.
  let length = '[]'.length;
  for (let id = 0; length < bytes - 100; id++) {
    const record = { id, text: `record ${id} `.padEnd(60, 'x'), tags: ['a', 'b'] };
    records.push(record);
    length += JSON.stringify(record).length + (id > 0 ? 1 : 0);
  }
  return { name: 'bench', records };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n, digits = 1) => n.toFixed(digits);
/** A median with the spread it came from: `m (lo–hi)`. */
const spread = (values, digits = 1, unit = '') =>
  `${fmt(median(values), digits)}${unit} (${fmt(Math.min(...values), digits)}–${fmt(Math.max(...values), digits)}${unit})`;

async function startServer() {
  const child = fork(join(here, 'server.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => child.on('message', (m) => m.type === 'listening' && resolve(m.port)));
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => child.send({ type: 'close' }) };
}

/** Calls `call` one after another for `ms`; calls per second. */
async function rate(call, ms) {
  const end = performance.now() + ms;
  let calls = 0;
  const started = performance.now();
  while (performance.now() < end) {
    await call();
    calls++;
  }
  return calls / ((performance.now() - started) / 1000);
}

/** The floor and ours each against a loopback server of its own, so that neither meets the other's connections. */
async function bodies(floorServer, oursServer, dir) {
  const { createClient } = await import('qianfan-console');
  const { Pool } = await import('undici');
  const client = createClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, baseUrl: oursServer.baseUrl, actionPaths: [dir], maxAttempts: 1 });
  const floorClient = createClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, baseUrl: floorServer.baseUrl, actionPaths: [dir] });
  const pool = new Pool(floorServer.baseUrl, { connections: 64, keepAliveTimeout: 4_000 });
  const rows = [];
  for (const [label, bytes] of [
    ['1 KB', 1024],
    ['100 KB', 100 * 1024],
    ['1 MB', 1024 * 1024],
  ]) {
    const body = bodyOf(bytes);
    const request = floorClient.signRequest(floorClient.prepare('/v2/benchscale', 'PutRecords', body));
    const send = async (bytes) => {
      const response = await pool.request({ path: request.path, method: 'POST', headers: request.headers, body: bytes });
      if (JSON.parse(await response.body.text()).result !== true) throw new Error('unexpected answer');
    };
    const floor = () => send(request.body);
    // What any caller of undici pays for an object body: serialising it on each call.
    const floorSerialising = () => send(JSON.stringify(body));
    const ours = async () => {
      const response = await client.callAction('/v2/benchscale', 'PutRecords', body);
      if (response.result !== true) throw new Error('unexpected answer');
    };
    const clients = { floor, floorSerialising, ours };
    for (const call of Object.values(clients)) await rate(call, 300);
    const rates = { floor: [], floorSerialising: [], ours: [] };
    const ratios = { floor: [], floorSerialising: [] };
    for (let round = 0; round < ROUNDS; round++) {
      const names = Object.keys(clients);
      const order = [...names.slice(round % 3), ...names.slice(0, round % 3)];
      const slice = {};
      for (const who of order) slice[who] = await rate(clients[who], SECONDS * 1000);
      for (const who of names) rates[who].push(slice[who]);
      ratios.floor.push(slice.ours / slice.floor);
      ratios.floorSerialising.push(slice.ours / slice.floorSerialising);
    }
    rows.push({ label, bytes: request.body.length, rates, ratios });
  }
  await Promise.all([client.close(), floorClient.close(), pool.close()]);
  return rows;
}

/** Milliseconds of a fresh process's first call (client created, call made, answer read), measured inside it. */
function firstCall(baseUrl, route, action, actionsPath) {
  const script = `
    const { createClient } = await import('qianfan-console');
    const started = performance.now();
    const client = createClient({ accessKey: '${ACCESS_KEY}', secretKey: '${SECRET_KEY}', baseUrl: '${baseUrl}', maxAttempts: 1 });
    await client.callAction('${route}', '${action}', { taskId: 'task-0tgmn4a7h4i6' });
    process.stdout.write(String(performance.now() - started));
    await client.close();`;
  const env = { ...process.env, QIANFAN_ACTIONS_PATH: actionsPath ?? '' };
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, env, encoding: 'utf8' }));
}

function heapPerThousand(dir) {
  const script = `
    const { createClient } = await import('qianfan-console');
    const client = createClient({ accessKey: 'a', secretKey: 's', actionPaths: [${JSON.stringify(dir)}] });
    client.prepare('/v2/benchheap', 'Act0', { name: 'warm' }); // ajv, yaml and the format loaded before the count
    gc(); gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 1; i <= 1000; i++) client.prepare('/v2/benchheap', 'Act' + i, { name: 'n' + i, size: i });
    gc(); gc();
    process.stdout.write(String((process.memoryUsage().heapUsed - before) / 1024 / 1024));`;
  return Number(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }));
}

function listMs(actionsPath) {
  const env = { ...process.env, QIANFAN_ACTIONS_PATH: actionsPath ?? '' };
  const started = performance.now();
  const out = execFileSync(process.execPath, [join(root, 'dist/cli/main.js'), 'list', '--output', 'json'], {
    env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  return { ms, count: JSON.parse(out).length };
}

const work = mkdtempSync(join(tmpdir(), 'qianfan-scale-'));
const server = await startServer();
const floorServer = await startServer();
try {
  // 1. bodies
  const recordsDir = join(work, 'records');
  mkdirSync(join(recordsDir, 'benchscale'), { recursive: true });
  writeFileSync(join(recordsDir, 'benchscale', 'PutRecords.yaml'), descriptor('benchscale', 'PutRecords'));
  console.log(
    `request bodies, sequential calls/s with validation on (compatible), medians of ${ROUNDS} rounds (lowest–highest round); ours × the floor (raw undici, same bytes signed once) and × the floor serialising (JSON.stringify on each call), paired by round:`,
  );
  for (const { label, bytes, rates, ratios } of await bodies(floorServer, server, recordsDir)) {
    console.log(
      `  ${label.padEnd(6)} (${bytes} bytes)  floor ${spread(rates.floor, 0)}/s  floor serialising ${spread(rates.floorSerialising, 0)}/s  ours ${spread(rates.ours, 0)}/s  = ${spread(ratios.floor, 2, '×')} floor, ${spread(ratios.floorSerialising, 2, '×')} floor serialising`,
    );
  }

  // 2. first call: the built-in DescribeFineTuningTask and the same descriptor dropped in under another area
  const droppedDir = join(work, 'dropped');
  mkdirSync(join(droppedDir, 'benchdrop'), { recursive: true });
  const builtIn = readFileSync(join(root, 'actions/finetuning/DescribeFineTuningTask.yaml'), 'utf8');
  writeFileSync(join(droppedDir, 'benchdrop', 'DescribeFineTuningTask.yaml'), builtIn.replace('route: /v2/finetuning', 'route: /v2/benchdrop'));
  const firstBuiltIn = [];
  const firstDropped = [];
  for (let i = 0; i < RUNS; i++) {
    firstBuiltIn.push(firstCall(server.baseUrl, '/v2/finetuning', 'DescribeFineTuningTask'));
    firstDropped.push(firstCall(server.baseUrl, '/v2/benchdrop', 'DescribeFineTuningTask', droppedDir));
  }
  console.log(
    `first call (fresh process, client created to answer read; medians of ${RUNS}, lowest–highest process): built-in ${spread(firstBuiltIn, 1, ' ms')}, dropped-in ${spread(firstDropped, 1, ' ms')} (+${fmt(median(firstDropped) - median(firstBuiltIn))} ms)`,
  );

  // 3. heap per 1,000 small dropped-in actions
  const heapDir = join(work, 'heap');
  mkdirSync(join(heapDir, 'benchheap'), { recursive: true });
  const small =
    'body: { type: object, additionalProperties: false, properties: { name: { type: string, maxLength: 64 }, size: { type: integer, minimum: 0 } } }\nresult: { type: object }\n';
  for (let i = 0; i <= 1000; i++) writeFileSync(join(heapDir, 'benchheap', `Act${i}.yaml`), descriptor('benchheap', `Act${i}`, small));
  const heaps = Array.from({ length: Math.min(RUNS, 3) }, () => heapPerThousand(heapDir));
  console.log(`heap per 1,000 small dropped-in actions, each prepared once: ${spread(heaps, 1, ' MB')} (median of ${heaps.length} processes)`);

  // 4. list with 10,000 descriptors against list alone
  const manyDir = join(work, 'many');
  for (let area = 0; area < 10; area++) {
    mkdirSync(join(manyDir, `benchlist${area}`), { recursive: true });
    for (let i = 0; i < 1000; i++) writeFileSync(join(manyDir, `benchlist${area}`, `Act${i}.yaml`), descriptor(`benchlist${area}`, `Act${i}`, small));
  }
  const alone = [];
  const many = [];
  let counts;
  for (let i = 0; i < RUNS; i++) {
    const a = listMs();
    const m = listMs(manyDir);
    alone.push(a.ms);
    many.push(m.ms);
    counts = [a.count, m.count];
  }
  console.log(
    `list (whole process, medians of ${RUNS}, lowest–highest process): ${counts[0]} actions ${spread(alone, 0, ' ms')}; with 10,000 dropped in (${counts[1]} actions) ${spread(many, 0, ' ms')} = ${fmt(median(many) / median(alone), 2)}× list alone`,
  );
  console.log(
    'targets: 1 MB ≥ 0.8× floor (serialising); dropped-in first call ≤ built-in + 40 ms; ≤ 6 MB heap per 1,000 small dropped-in actions; list 10,000 ≤ 5× list alone',
  );
} finally {
  server.close();
  floorServer.close();
  rmSync(work, { recursive: true, force: true });
}
