/**
 * The local console emulator: a node:http server that speaks the console's wire protocol
 * (POST /v2/<area>?Action=<Action>, bce-auth-v1, `{requestId, result}` or `{requestId, code, message}`)
 * and answers from the same descriptors the client uses. It is a client of the library's modules —
 * descriptors, validation, signing — and nothing in the library imports it except the lazy
 * startEmulator of src/index.ts.
 *
 * A request goes: route → size → authentication → body → injected faults → descriptor → JSON →
 * schema → engine (or the fallback answer). Every response carries Date and x-bce-request-id.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseActionName, type ActionName } from '../descriptors/names.js';
import { actionSearchPath } from '../descriptors/paths.js';
import { DescriptorStore } from '../descriptors/store.js';
import { ConfigError, DescriptorError, ValidationError } from '../errors.js';
import { sleep } from '../limits/sleep.js';
import { toProblems } from '../validation/report.js';
import { authenticate, splitTarget } from './auth.js';
import { CallHistory } from './call-history.js';
import { ConsoleError } from './console-error.js';
import { emulationOf } from './emulation.js';
import { Engine } from './engine.js';
import { fallbackResult } from './fallback.js';
import { FaultInjector, LEGACY_CODES, type Fault, type FaultSpec } from './faults.js';
import { EmulatorState } from './state.js';
import { parseBody, readBody, send, tooLarge } from './wire.js';

export type { Fault, FaultSpec } from './faults.js';

/** Keys a local demo can share: they open nothing but this emulator. */
const DEMO_ACCESS_KEY = 'ALTAKemulatorDemoAccessKey';
const DEMO_SECRET_KEY = 'emulator-demo-secret-key-0123456789';
/** Console bodies are a few kilobytes; anything past this is refused while it streams. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Credentials the emulator accepts; default QIANFAN_ACCESS_KEY / QIANFAN_SECRET_KEY, else the demo keys. Give both or neither. */
  accessKey?: string;
  secretKey?: string;
  /** Keep the records in this file across restarts (a snapshot, a journal of changes and a lock beside it; docs/emulator.md#state). Default: in memory only. */
  statePath?: string;
  /** Emulated seconds per real second for lifecycles such as a fine-tuning task's (default 1). */
  speed?: number;
  /** Descriptor directories after the built-in actions/ and QIANFAN_ACTIONS_PATH; later ones win. */
  actionPaths?: readonly string[];
  /** Faults active from the start; more can be added with `emulator.faults.inject`. */
  faults?: ReadonlyArray<FaultSpec | string>;
  /** The emulator's clock, in epoch milliseconds: record times, lifecycles, the signature window and the Date header. */
  now?: () => number;
  /** Largest request body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** Environment to read instead of process.env (keys, QIANFAN_ACTIONS_PATH). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives one line per request: status, action, time taken. Never a key or a signature. */
  log?: (line: string) => void;
}

/** An authenticated call as the emulator received it. */
export interface ReceivedCall {
  route: string;
  action: string;
  /** The body as the emulator read it ({} when empty), or undefined when it was not a JSON object. */
  body: unknown;
  /** When it arrived, by the emulator's clock (epoch milliseconds). */
  at: number;
}

/** Calls remembered by `calls`, and the body bytes they may hold; past either the oldest are forgotten, so a long-running emulator does not grow. */
const MAX_REMEMBERED_CALLS = 1000;
const MAX_REMEMBERED_BYTES = 8 * 1024 * 1024;

export interface Emulator {
  /** Base URL for clients, e.g. http://127.0.0.1:8417 — use it as QIANFAN_CONSOLE_API_BASE_URL. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly accessKey: string;
  /** Not enumerable: printing the emulator object does not print it. */
  readonly secretKey: string;
  /** Where the keys came from. */
  readonly keySource: 'options' | 'environment' | 'demo';
  readonly faults: { inject(spec: FaultSpec | string): void; clear(): void };
  /** The last 1,000 authenticated calls (fewer when their bodies pass 8 MiB), oldest first, faulted ones included: what a test's code really sent. */
  readonly calls: readonly ReceivedCall[];
  /** Forgets every record (and saves that, with a state file) and the calls. */
  reset(): void;
  /** Stops listening and ends every connection; pending delayed answers are dropped. With a state file, writes it whole and releases its lock. */
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Target = ReturnType<typeof splitTarget>;

const ROUTE = /^\/v2\/([^/]+)$/;
/** The code of an injected HTTP status, as a gateway in front of the console would say it; other statuses answer InvalidRequest (4xx) or InternalError (5xx). */
const STATUS_CODES: Record<number, string> = {
  403: 'AccessDenied',
  404: 'ResourceNotFound',
  429: 'RequestLimitExceeded',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new RunningEmulator(options);
  try {
    await emulator.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return emulator;
}

class RunningEmulator implements Emulator {
  readonly faults = new FaultInjector();
  readonly #calls = new CallHistory<ReceivedCall>(MAX_REMEMBERED_CALLS, MAX_REMEMBERED_BYTES);
  readonly keySource: Emulator['keySource'];
  readonly accessKey: string;
  readonly #secretKey: string;
  readonly #now: () => number;
  readonly #state: EmulatorState;
  readonly #engine: Engine;
  readonly #store: DescriptorStore;
  readonly #maxBodyBytes: number;
  readonly #log: ((line: string) => void) | undefined;
  readonly #server: Server;
  /** Fires on close, so that delayed answers stop waiting. */
  readonly #closing = new AbortController();
  #address: AddressInfo | undefined;
  #dateSecond = NaN;
  #dateHeader = '';

  constructor(options: EmulatorOptions) {
    const env = options.env ?? process.env;
    const keys = resolveKeys(options, env);
    this.accessKey = keys.accessKey;
    this.#secretKey = keys.secretKey;
    this.keySource = keys.source;
    const speed = options.speed ?? 1;
    if (!(Number.isFinite(speed) && speed > 0)) throw new ConfigError(`speed must be a positive number, got ${speed}`, { code: 'InvalidConfig' });
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#now = options.now ?? Date.now;
    this.#log = options.log;
    this.#state = new EmulatorState(options.statePath);
    this.#engine = new Engine(this.#state, { now: this.#now, speed });
    this.#store = new DescriptorStore(actionSearchPath(env['QIANFAN_ACTIONS_PATH'], options.actionPaths));
    for (const spec of options.faults ?? []) this.faults.inject(spec);
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  get calls(): readonly ReceivedCall[] {
    return this.#calls.toArray();
  }

  get secretKey(): string {
    return this.#secretKey;
  }

  get host(): string {
    return this.#address!.address;
  }

  get port(): number {
    return this.#address!.port;
  }

  get url(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.port}`;
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        this.#address = this.#server.address() as AddressInfo;
        resolve();
      });
    });
  }

  reset(): void {
    this.#state.reset();
    this.#calls.clear();
  }

  close(): Promise<void> {
    this.#closing.abort();
    return new Promise((resolve, reject) => {
      this.#server.close(() => {
        try {
          this.#state.close();
          resolve();
        } catch (error) {
          reject(error as Error);
        }
      });
      this.#server.closeAllConnections();
    });
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    res.setHeader('x-bce-request-id', requestId);
    res.setHeader('date', this.#httpDate());
    res.setHeader('content-type', 'application/json; charset=utf-8');
    let what = `${req.method} ${req.url}`;
    let outcome: string;
    try {
      const { name, target } = this.#route(req);
      what = `${name.area}/${name.action}`;
      outcome = await this.#answer(req, res, name, target, requestId);
    } catch (error) {
      const refusal = error instanceof ConsoleError ? error : internalError(error);
      // A refusal before the body was read (too large, not authenticated) does not read the rest of it:
      // the connection ends with the answer.
      if (!req.complete) res.setHeader('connection', 'close');
      send(res, refusal.status, { requestId, code: refusal.code, message: refusal.message });
      outcome = `${refusal.status} ${refusal.code}`;
    }
    this.#log?.(`${outcome} ${what} ${Math.round(performance.now() - started)} ms`);
  }

  #remember(name: ActionName, body: Body | undefined, bytes: number): void {
    this.#calls.add({ route: name.route, action: name.action, body, at: this.#now() }, body === undefined ? 0 : bytes);
  }

  /** The Date header: made once per second of the emulator's clock. */
  #httpDate(): string {
    const second = Math.floor(this.#now() / 1000);
    if (second !== this.#dateSecond) {
      this.#dateSecond = second;
      this.#dateHeader = new Date(second * 1000).toUTCString();
    }
    return this.#dateHeader;
  }

  /** The action a request is for, checked before anything is read, and the request target as split. */
  #route(req: IncomingMessage): { name: ActionName; target: Target } {
    if (req.method !== 'POST') throw new ConsoleError(405, 'MethodNotAllowed', `console actions are called with POST, not ${req.method}`);
    const target = splitTarget(req.url ?? '/');
    const { path, query } = target;
    const area = ROUTE.exec(path)?.[1];
    if (area === undefined) throw new ConsoleError(404, 'InvalidURI', `there is no console route at ${path}; routes are /v2/<area>, such as /v2/finetuning`);
    const action = query.find(([key]) => key === 'Action')?.[1];
    if (!action) throw new ConsoleError(400, 'InvalidAction', 'the query has no Action; call POST /v2/<area>?Action=<Action>');
    try {
      return { name: parseActionName(area, action), target };
    } catch (error) {
      if (error instanceof ValidationError) throw new ConsoleError(400, 'InvalidAction', error.problems.map((p) => p.message).join('; '));
      throw error;
    }
  }

  /** Answers one action call; returns a word for the log. */
  async #answer(req: IncomingMessage, res: ServerResponse, name: ActionName, target: Target, requestId: string): Promise<string> {
    const declared = Number(req.headers['content-length']);
    if (declared > this.#maxBodyBytes) throw tooLarge(this.#maxBodyBytes);
    authenticate({ method: req.method!, rawUrl: req.url!, headers: req.headers, target }, (ak) => (ak === this.accessKey ? this.#secretKey : undefined), this.#now());
    const bytes = await readBody(req, this.#maxBodyBytes);
    // Parsed once, for the record of calls and for the action; a malformed body is refused after the
    // faults and the action lookup, as before.
    let body: Body | ConsoleError;
    try {
      body = parseBody(bytes);
    } catch (error) {
      if (!(error instanceof ConsoleError)) throw error;
      body = error;
    }
    this.#remember(name, body instanceof ConsoleError ? undefined : body, bytes.length);
    for (const fault of this.faults.take(name.area, name.action)) {
      if (fault.type === 'delay') {
        await sleep(fault.ms, this.#closing.signal);
        continue;
      }
      return injectFault(fault, req, res, requestId);
    }
    const action = this.#store.find(name);
    if (!action) throw new ConsoleError(400, 'InvalidAction', `${name.action} is not an action of ${name.route}`);
    if (body instanceof ConsoleError) throw body;
    const failures = action.checkBody(body);
    if (failures !== true) {
      const problems = toProblems(failures, action.descriptor.body, body);
      const listed = problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`);
      if (problems.length > 5) listed.push(`and ${problems.length - 5} more`);
      throw new ConsoleError(400, 'InappropriateJSON', `The JSON you provided was well-formed, but not appropriate for ${name.action}: ${listed.join('; ')}`);
    }
    const block = emulationOf(action);
    const result = block ? this.#engine.run(action, block, body) : fallbackResult(action.descriptor, this.#now());
    send(res, 200, { requestId, result });
    return '200';
  }
}

function resolveKeys(options: EmulatorOptions, env: Readonly<Record<string, string | undefined>>): { accessKey: string; secretKey: string; source: Emulator['keySource'] } {
  if (options.accessKey !== undefined || options.secretKey !== undefined) {
    if (!options.accessKey || !options.secretKey) throw new ConfigError('give the emulator both accessKey and secretKey, or neither', { code: 'InvalidConfig' });
    return { accessKey: options.accessKey, secretKey: options.secretKey, source: 'options' };
  }
  const accessKey = env['QIANFAN_ACCESS_KEY']?.trim();
  const secretKey = env['QIANFAN_SECRET_KEY']?.trim();
  if (accessKey && secretKey) return { accessKey, secretKey, source: 'environment' };
  return { accessKey: DEMO_ACCESS_KEY, secretKey: DEMO_SECRET_KEY, source: 'demo' };
}

function injectFault(fault: Exclude<Fault, { type: 'delay' }>, req: IncomingMessage, res: ServerResponse, requestId: string): string {
  switch (fault.type) {
    case 'drop':
      req.socket.destroy();
      return 'dropped (injected)';
    case 'malformed':
      res.writeHead(200).end(`{"requestId":"${requestId}","result":{"trunc`);
      return '200 malformed (injected)';
    case 'legacy':
      send(res, 200, { log_id: Date.now(), error_code: fault.code, error_msg: LEGACY_CODES[fault.code] });
      return `200 error_code ${fault.code} (injected)`;
    case 'status': {
      const code = fault.code ?? STATUS_CODES[fault.status] ?? (fault.status < 500 ? 'InvalidRequest' : 'InternalError');
      send(res, fault.status, { requestId, code, message: fault.message ?? `${code} (a fault injected into the emulator)` });
      return `${fault.status} ${code} (injected)`;
    }
  }
}

/** An unexpected failure: a broken descriptor says which file; anything else is the emulator's own bug. */
function internalError(error: unknown): ConsoleError {
  if (error instanceof DescriptorError) return new ConsoleError(500, 'InternalError', error.message);
  if ((error as Error | undefined)?.name === 'AbortError') return new ConsoleError(503, 'ServiceUnavailable', 'the emulator is shutting down');
  return new ConsoleError(500, 'InternalError', `the emulator failed: ${(error as Error | undefined)?.message ?? String(error)}`);
}
