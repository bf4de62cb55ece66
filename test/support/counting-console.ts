/**
 * For the shared-rate tests: a loopback console that notes when each request arrives, when it was sent
 * (stamped by the worker's transport) and from which worker (the body's `worker`), answers {requestId, result}, or 429 TooManyRequests while `throttle`
 * says so; and worker processes (shared-rate-worker.mjs) running the built library against it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { createInterface } from 'node:readline';

export interface Arrival {
  /** When the server got it (performance.now()). */
  at: number;
  /** When the sender's library handed it to its transport (Date.now() there: x-sent-at). */
  sentAt: number;
  worker: string;
  throttled: boolean;
}

export interface CountingConsole {
  url: string;
  arrivals: Arrival[];
  /** Decides, per request, whether to answer 429. */
  throttle: (arrival: Omit<Arrival, 'throttled' | 'sentAt'>) => boolean;
  /** Called after each arrival is noted. */
  onArrival: (arrival: Arrival) => void;
  /** Headers added to every answer. */
  headers: Record<string, string>;
  close(): Promise<void>;
}

export async function startCountingConsole(): Promise<CountingConsole> {
  const arrivals: Arrival[] = [];
  const server: Server = createServer((request, response) => {
    const at = performance.now();
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const worker = String((JSON.parse(body) as { worker?: unknown }).worker);
      const throttled = fake.throttle({ at, worker });
      const arrival = { at, sentAt: Number(request.headers['x-sent-at']), worker, throttled };
      arrivals.push(arrival);
      fake.onArrival(arrival);
      const answer = throttled ? { requestId: 'req-t', code: 'TooManyRequests', message: 'slow down' } : { requestId: 'req-1', result: { ok: true } };
      response.writeHead(throttled ? 429 : 200, { ...fake.headers, 'content-type': 'application/json', 'x-bce-request-id': answer.requestId });
      response.end(JSON.stringify(answer));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const fake: CountingConsole = {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    throttle: () => false,
    onArrival: () => undefined,
    headers: {},
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return fake;
}

/** The most requests sent within any one window of `ms` (half-open), among those given. */
export function busiestWindow(arrivals: readonly Arrival[], ms = 1000): number {
  const times = arrivals.map((a) => a.sentAt).sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= ms) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

export interface WorkerReport {
  name: string;
  ok: number;
  failures: Record<string, number>;
  warnings: string[];
  debugLines: string[];
}

const WORKER = new URL('./shared-rate-worker.mjs', import.meta.url).pathname;

/**
 * Starts the workers, waits until every one has its client, says "go" to all at once, and resolves
 * with their reports when all have finished.
 */
export async function runWorkers(
  names: readonly string[],
  options: { baseUrl: string; client: Record<string, unknown>; concurrency: number; durationMs: number },
): Promise<WorkerReport[]> {
  const workers = names.map((name) => {
    const child = spawn(process.execPath, [WORKER, JSON.stringify({ ...options, name })], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const iterator = lines[Symbol.asyncIterator]();
    const next = async (): Promise<string> => {
      const { value, done } = await iterator.next();
      if (done) throw new Error(`worker ${name} ended early (exit ${child.exitCode})`);
      return value as string;
    };
    return { child, next };
  });
  for (const worker of workers) if ((await worker.next()) !== 'ready') throw new Error('a worker did not start');
  for (const worker of workers) worker.child.stdin!.write('go\n');
  const reports = await Promise.all(workers.map(async (w) => JSON.parse(await w.next()) as WorkerReport));
  await Promise.all(workers.map((w) => (w.child.exitCode === null ? once(w.child, 'exit') : undefined)));
  return reports;
}
