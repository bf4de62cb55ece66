// One benchmark client in a process of its own (forked by bench/run.mjs, or run by hand:
//   node bench/client.mjs '{"client":"ours","mode":"throughput","concurrency":1,"seconds":2,"baseUrl":"http://127.0.0.1:PORT"}').
// Clients:
//   floor     raw undici Pool sending a fixed request whose signed headers were computed once (by the runner)
//   ours      createClient(...).callAction with the default undici transport
//   fetch     createClient({ transport: 'fetch' }).callAction
//   official  @baiducloud/qianfan consoleAction (reads QIANFAN_* from process.env on every call)
// Modes:
//   throughput  warm up, then call for `seconds` at `concurrency`; report calls/s, p50, p99, CPU per call
//   rss         10,000 calls, RSS, a second 10,000, RSS (ours only)
import { performance } from 'node:perf_hooks';

export const ROUTE = '/v2/finetuning';
export const ACTION = 'DescribeFineTuningTask';
export const TASK_ID = 'task-0tgmn4a7h4i6';

const config = JSON.parse(process.argv[2] ?? process.env.BENCH_CLIENT_CONFIG ?? '{}');
const done = (message) => {
  if (process.send) process.send(message, () => process.exit(0));
  else {
    console.log(JSON.stringify(message, null, 2));
    process.exit(0);
  }
};

async function makeClient(kind) {
  switch (kind) {
    case 'floor': {
      const { Pool } = await import('undici');
      const { origin, path, headers, body } = config.request;
      // Same pool shape as the library's default transport: 64 connections, 4 s keep-alive.
      const pool = new Pool(origin, { connections: 64, keepAliveTimeout: 4_000 });
      const options = { path, method: 'POST', headers, body };
      return {
        call: async () => {
          const response = await pool.request(options);
          const parsed = JSON.parse(await response.body.text());
          if (response.statusCode !== 200 || parsed.result !== true) throw new Error(`unexpected answer ${response.statusCode}`);
          return parsed;
        },
        close: () => pool.close(),
      };
    }
    case 'ours':
    case 'fetch': {
      const { createClient } = await import('qianfan-console');
      const client = createClient({
        accessKey: config.accessKey,
        secretKey: config.secretKey,
        baseUrl: config.baseUrl,
        ...(kind === 'fetch' ? { transport: 'fetch' } : {}),
      });
      return {
        call: async () => {
          const res = await client.callAction(ROUTE, ACTION, { taskId: TASK_ID });
          if (res.result !== true) throw new Error('unexpected answer');
          return res;
        },
        close: () => client.close(),
      };
    }
    case 'official': {
      // consoleAction reads QIANFAN_ACCESS_KEY / QIANFAN_SECRET_KEY / QIANFAN_CONSOLE_API_BASE_URL from
      // process.env (after dotenv.config()) on every call; the runner sets them in this process's env.
      const { consoleAction } = await import('@baiducloud/qianfan');
      return {
        call: async () => {
          const res = await consoleAction({ base_api_route: ROUTE, action: ACTION, data: { taskId: TASK_ID } });
          if (res.result !== true) throw new Error('unexpected answer');
          return res;
        },
        close: async () => undefined,
      };
    }
    default:
      throw new Error(`unknown client ${kind}`);
  }
}

/** Calls for `ms` milliseconds with `concurrency` calls in flight; latencies (ms) go into `sink` when given. */
async function runFor(call, ms, concurrency, sink) {
  const started = performance.now();
  const deadline = started + ms;
  let calls = 0;
  const worker = async () => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= deadline) return;
      await call();
      if (sink) sink.push(performance.now() - t0);
      calls++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { calls, elapsedMs: performance.now() - started };
}

/** Exactly `n` calls with `concurrency` in flight. */
async function runCalls(call, n, concurrency) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

class Latencies {
  #values = new Float64Array(1 << 16);
  #n = 0;
  push(v) {
    if (this.#n === this.#values.length) {
      const bigger = new Float64Array(this.#values.length * 2);
      bigger.set(this.#values);
      this.#values = bigger;
    }
    this.#values[this.#n++] = v;
  }
  percentile(p) {
    const sorted = this.#values.slice(0, this.#n).sort();
    if (sorted.length === 0) return NaN;
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  }
}

async function main() {
  const client = await makeClient(config.client);
  if (config.mode === 'rss') {
    const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 100) / 100;
    // RSS as the process has it (no forced GC); then, when --expose-gc is given, the JS heap after a full GC.
    const sample = () => {
      const m = process.memoryUsage();
      const out = { rssMB: mb(m.rss), heapTotalMB: mb(m.heapTotal), externalMB: mb(m.external) };
      if (globalThis.gc) {
        globalThis.gc();
        out.heapUsedAfterGcMB = mb(process.memoryUsage().heapUsed);
      }
      return out;
    };
    const start = sample();
    const batch = config.batch ?? 10_000;
    await runCalls(client.call, batch, config.concurrency ?? 1);
    const first = sample();
    await runCalls(client.call, batch, config.concurrency ?? 1);
    const second = sample();
    await client.close();
    return done({ type: 'result', start, first, second, batch });
  }
  const concurrency = config.concurrency ?? 1;
  const warmup = await runFor(client.call, config.warmupMs ?? 500, concurrency);
  const latencies = new Latencies();
  const cpu0 = process.cpuUsage();
  const { calls, elapsedMs } = await runFor(client.call, (config.seconds ?? 2) * 1000, concurrency, latencies);
  const cpu = process.cpuUsage(cpu0);
  await client.close();
  done({
    type: 'result',
    calls,
    warmupCalls: warmup.calls,
    elapsedMs,
    callsPerSecond: (calls / elapsedMs) * 1000,
    p50Ms: latencies.percentile(50),
    p99Ms: latencies.percentile(99),
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
  });
}

main().catch((error) => {
  if (process.send) process.send({ type: 'error', message: String(error?.stack ?? error) }, () => process.exit(1));
  else {
    console.error(error);
    process.exit(1);
  }
});
