// Profiles one benchmark client (or a start-up probe) with `node --cpu-prof` and summarises where the time goes:
// self time by function, self time by area (our dist/, undici, node internals, GC …), and inclusive time of
// every function of ours. Not part of `npm run bench`; a tool for finding the hot spots.
//
//   node bench/profile.mjs [client=ours] [concurrency=1] [seconds=4]   # a throughput client against bench/server.mjs
//   node bench/profile.mjs first-call                                  # a fresh process making its first call
//   node bench/profile.mjs summarise some.cpuprofile                   # summarise an existing profile
// Options (environment): PROFILE_TOP (25), PROFILE_KEEP=1 keeps the .cpuprofile (its path is printed).
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));
const TOP = Number(process.env.PROFILE_TOP ?? 25);
const ACCESS_KEY = 'bench-access-key-0123456789abcdef';
const SECRET_KEY = 'bench-secret-key-fedcba9876543210';

function area(url) {
  if (!url) return '(native / VM)';
  if (url.startsWith('node:')) return 'node internals';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (m) return m[1];
  if (path.startsWith(join(root, 'dist'))) return `ours: ${relative(join(root, 'dist'), path).split('/')[0]}`;
  if (path.startsWith(join(root, 'bench'))) return 'bench harness';
  return path;
}

function where(frame) {
  const url = frame.url.startsWith('file://') ? relative(root, fileURLToPath(frame.url)) : frame.url;
  return `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber + 1}`;
}

export function summarise(file, calls) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const inclusive = new Map();
  const areas = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000; // ms
    total += dt;
    const leaf = byId.get(id);
    const key = where(leaf.callFrame);
    const name = leaf.callFrame.functionName;
    const a = name === '(garbage collector)' ? 'GC' : name === '(idle)' ? 'idle' : name === '(program)' ? '(program)' : area(leaf.callFrame.url);
    self.set(key, (self.get(key) ?? 0) + dt);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const frame = byId.get(n).callFrame;
      const k = where(frame);
      if (seen.has(k)) continue;
      seen.add(k);
      if (frame.url.includes('/dist/')) inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  });
  const busy = total - (areas.get('idle') ?? 0);
  const pct = (x) => `${((x / busy) * 100).toFixed(1).padStart(5)} %`;
  // With a call count (throughput runs), also µs per call: the whole process, warm-up and start-up included.
  const ms = (x) => `${x.toFixed(0).padStart(6)} ms` + (calls ? ` ${((x * 1000) / calls).toFixed(1).padStart(6)} µs/call` : '');
  const out = [`${file}\n${total.toFixed(0)} ms sampled, ${busy.toFixed(0)} ms not idle (percentages are of non-idle time)${calls ? `; ${calls} calls` : ''}`];
  out.push('\nself time by area');
  for (const [k, v] of [...areas].filter(([k]) => k !== 'idle').sort((a, b) => b[1] - a[1])) out.push(`  ${ms(v)} ${pct(v)}  ${k}`);
  out.push(`\nself time, top ${TOP} functions`);
  for (const [k, v] of [...self]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP))
    out.push(`  ${ms(v)} ${pct(v)}  ${k}`);
  out.push(`\ninclusive time of our functions (dist/), top ${TOP}`);
  for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, TOP)) out.push(`  ${ms(v)} ${pct(v)}  ${k}`);
  return out.join('\n');
}

async function startServer() {
  const child = fork(join(here, 'server.mjs'), [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
  return { baseUrl: `http://127.0.0.1:${port}`, close: () => child.kill() };
}

function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
  });
}

async function main() {
  const [what = 'ours', a, b] = process.argv.slice(2);
  if (what === 'summarise') return console.log(summarise(a));
  const dir = mkdtempSync(join(tmpdir(), 'qianfan-prof-'));
  const server = await startServer();
  try {
    const prof = ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--cpu-prof-interval=100'];
    let calls;
    if (what === 'first-call') {
      console.log(
        await run([...prof, join(here, 'start-first-call.mjs')], {
          QIANFAN_ACCESS_KEY: ACCESS_KEY,
          QIANFAN_SECRET_KEY: SECRET_KEY,
          QIANFAN_CONSOLE_API_BASE_URL: server.baseUrl,
        }),
      );
    } else {
      let request;
      if (what === 'floor' || what === 'dispatch') {
        const { createClient } = await import('qianfan-console');
        const client = createClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, baseUrl: server.baseUrl });
        const r = client.signRequest(client.prepare('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-0tgmn4a7h4i6' }));
        request = { origin: r.origin, path: r.path, headers: r.headers, body: r.body };
        await client.close();
      }
      const config = {
        client: what,
        concurrency: Number(a ?? 1),
        seconds: Number(b ?? 4),
        warmupMs: 500,
        baseUrl: server.baseUrl,
        accessKey: ACCESS_KEY,
        secretKey: SECRET_KEY,
        request,
      };
      const env = what === 'official' ? { QIANFAN_ACCESS_KEY: ACCESS_KEY, QIANFAN_SECRET_KEY: SECRET_KEY, QIANFAN_CONSOLE_API_BASE_URL: server.baseUrl } : {};
      const result = JSON.parse(await run([...prof, join(here, 'client.mjs'), JSON.stringify(config)], env));
      calls = result.calls + result.warmupCalls;
      console.log(
        `${what} at concurrency ${config.concurrency}: ${result.callsPerSecond.toFixed(0)} calls/s while profiled, p50 ${result.p50Ms.toFixed(3)} ms, p99 ${result.p99Ms.toFixed(3)} ms`,
      );
    }
    const file = join(
      dir,
      readdirSync(dir).find((f) => f.endsWith('.cpuprofile')),
    );
    console.log(summarise(file, calls));
    if (process.env.PROFILE_KEEP === '1') console.log(`\nprofile kept: ${file}`);
    else rmSync(dir, { recursive: true, force: true });
  } finally {
    server.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
