// One benchmark client in a process of its own (forked by bench/run.mjs, or run by hand:
//   node bench/client.mjs '{"client":"ours","mode":"throughput","concurrency":1,"seconds":2,"baseUrl":"http://127.0.0.1:PORT"}').
// Clients:
//   floor     raw undici Pool sending a fixed request whose signed headers were computed once (by the runner),
//             with undici's request API, the way a caller of undici reads a JSON answer
//   dispatch  the same fixed request through undici's lower-level dispatch API with a handler that collects
//             the body (no stream per response): the leanest sender undici allows, for reference
//   ours      createClient(...).callAction with the default undici transport
//   fetch     createClient({ transport: 'fetch' }).callAction
//   official  @baiducloud/qianfan consoleAction (reads QIANFAN_* from process.env on every call)
// Modes:
//   throughput  under bench/run.mjs: reports {type:'ready'}, then for each {type:'run', warmupMs, seconds} warms up,
//               calls for `seconds` at `concurrency` and reports calls/s, p50, p99 and CPU per call, until
//               {type:'close'}; the process (its pool, its JIT state) lives across the runner's rounds.
//               Run by hand: one warm-up and one measured run, printed.
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
    case 'dispatch': {
      const { Pool } = await import('undici');
      const { origin, path, headers, body } = config.request;
      const pool = new Pool(origin, { connections: 64, keepAliveTimeout: 4_000 });
      const options = { path, method: 'POST', headers, body };
      const send = () =>
        new Promise((resolve, reject) => {
          const chunks = [];
          let status = 0;
          pool.dispatch(options, {
            onRequestStart() {},
            onResponseStart(_controller, statusCode) {
              status = statusCode;
            },
            onResponseData(_controller, chunk) {
              chunks.push(chunk);
            },
            onResponseEnd() {
              resolve({ status, text: Buffer.concat(chunks).toString('utf8') });
            },
            onResponseError(_controller, error) {
              reject(error);
            },
          });
        });
      return {
        call: async () => {
          const { status, text } = await send();
          const parsed = JSON.parse(text);
          if (status !== 200 || parsed.result !== true) throw new Error(`unexpected answer ${status}`);
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

/** Warms up, then calls for `seconds` at `concurrency`; calls/s, latency percentiles and CPU time per call. */
async function measure(call, concurrency, warmupMs, seconds) {
  const warmup = await runFor(call, warmupMs, concurrency);
  const latencies = new Latencies();
  const cpu0 = process.cpuUsage();
  const { calls, elapsedMs } = await runFor(call, seconds * 1000, concurrency, latencies);
  const cpu = process.cpuUsage(cpu0);
  return {
    type: 'result',
    calls,
    warmupCalls: warmup.calls,
    elapsedMs,
    callsPerSecond: (calls / elapsedMs) * 1000,
    p50Ms: latencies.percentile(50),
    p99Ms: latencies.percentile(99),
    cpuUsPerCall: (cpu.user + cpu.system) / calls,
  };
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
  if (!process.send) {
    const result = await measure(client.call, concurrency, config.warmupMs ?? 500, config.seconds ?? 2);
    await client.close();
    return done(result);
  }
  process.on('message', (message) => {
    if (message?.type === 'run') {
      measure(client.call, concurrency, message.warmupMs, message.seconds).then((result) => process.send(result), fail);
    } else if (message?.type === 'close') {
      client.close().then(() => process.exit(0), fail);
    }
  });
  process.send({ type: 'ready' });
}

function fail(error) {
  if (process.send) process.send({ type: 'error', message: String(error?.stack ?? error) }, () => process.exit(1));
  else {
    console.error(error);
    process.exit(1);
  }
}

main().catch(fail);
