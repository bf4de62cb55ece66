// One process of a shared-rate test: a client of the built library that keeps `concurrency` calls going
// for `durationMs` once it reads "go" on stdin, then prints what happened as one JSON line.
// Usage: node shared-rate-worker.mjs '{"baseUrl":..., "name":..., "client": {...}, "concurrency": 4, "durationMs": 3000}'
import { createInterface } from 'node:readline';
import { createClient } from 'qianfan-console';

const { baseUrl, name, client: clientOptions, concurrency, durationMs } = JSON.parse(process.argv[2]);
const warnings = [];
const debugLines = [];
const logger = {
  warn: (line) => warnings.push(line),
  // Only the limiter's own lines: the per-attempt lines would only cost time here.
  debug: (line) => void (line.includes('qps budget') && debugLines.push(line)),
};
// The global fetch, with the moment the library hands each request over stamped on it: the console's
// own clock would bunch requests whenever its process is held up, which on a busy machine is often.
const stampingTransport = {
  async send(request, { signal }) {
    const headers = { ...request.headers, 'x-sent-at': String(Date.now()) };
    const response = await fetch(request.origin + request.path, { method: request.method, headers, body: request.body, signal });
    return { status: response.status, headers: Object.fromEntries(response.headers), body: new Uint8Array(await response.arrayBuffer()) };
  },
  close: async () => undefined,
};
const client = createClient({
  accessKey: 'ALTAKshared',
  secretKey: 'shared-secret',
  baseUrl,
  maxAttempts: 1,
  logger,
  transport: stampingTransport,
  ...clientOptions,
});
const failures = {};
let ok = 0;

async function keepCalling(until) {
  while (performance.now() < until) {
    try {
      await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: name });
      ok++;
    } catch (error) {
      const code = error.code ?? error.name;
      failures[code] = (failures[code] ?? 0) + 1;
    }
  }
}

// One call before the start, so that what a process pays once (loading fetch, the first connections)
// is behind it when the measured run begins.
await client.callAction('/v2/sharedtest', 'DescribeCounter', { worker: name });
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line !== 'go') continue;
  const until = performance.now() + durationMs;
  await Promise.all(Array.from({ length: concurrency }, () => keepCalling(until)));
  await client.close();
  process.stdout.write(`${JSON.stringify({ name, ok, failures, warnings, debugLines })}\n`);
  break;
}
lines.close();
