// The processes the benchmark measures: the loopback server, the client processes (long-lived or
// single-shot), timed fresh processes, and the signed request the floor sends.
import { fork, spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ACCESS_KEY, CLIENT_LABEL, MODE_LABEL, SECRET_KEY, benchDir, cleanEnv, work } from './settings.mjs';

export function startServer() {
  const child = fork(join(benchDir, 'server.mjs'), [], { cwd: work, env: cleanEnv(), execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
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

/** A client process that makes calls only when told to: {type:'run'} → one result. */
export async function startClientProcess(config, extraEnv) {
  const child = fork(join(benchDir, 'client.mjs'), [JSON.stringify(config)], {
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
export function runClient(config, { execArgv = [], extraEnv = {} } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(join(benchDir, 'client.mjs'), [JSON.stringify(config)], {
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

export function timeProcess(args, extraEnv = {}) {
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

/** The request the floor sends, signed once by the library beforehand. */
export async function signedFloorRequest(baseUrl) {
  const { createClient } = await import('qianfan-console');
  const client = createClient({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY, baseUrl });
  const request = client.signRequest(client.prepare('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-0tgmn4a7h4i6' }));
  await client.close();
  return { origin: request.origin, path: request.path, headers: request.headers, body: request.body };
}
