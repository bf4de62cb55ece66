/**
 * The local console emulator: a node:http server that speaks the console's wire protocol
 * (POST /v2/<area>?Action=<Action>, bce-auth-v1, `{requestId, result}` or `{requestId, code, message}`)
 * and answers from the same descriptors the client uses. It is a client of the library's modules —
 * descriptors, validation, signing — and nothing in the library imports it except the lazy
 * startEmulator of src/index.ts.
 *
 * A request goes: route → size → authentication → body → injected faults → descriptor → JSON →
 * schema → engine (or the fallback answer). Every response carries Date and x-bce-request-id.
 * Requests under /_emulator/ go to the control plane and dashboard instead (control.ts).
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
import type { JsonSchema } from '../validation/schema.js';
import { authenticate, splitTarget } from './auth.js';
import { CallLog, showCall, type ReceivedCall } from './call-log.js';
import { EmulatorClock } from './clock.js';
import { ConsoleError } from './console-error.js';
import { CONTROL_PREFIX, ControlPlane } from './control.js';
import { emulationOf } from './emulation.js';
import { Engine } from './engine.js';
import { fallbackResult } from './fallback.js';
import { FaultInjector, LEGACY_CODES, faultText, type Fault, type FaultSpec } from './faults.js';
import { EmulatorState, type StateDocument } from './state.js';
import { StsEmulator } from './sts.js';
import { StateViewer, type StateView } from './view.js';
import { parseBody, readBody, send, tooLarge } from './wire.js';

export type { Fault, FaultSpec } from './faults.js';
export type { ReceivedCall } from './call-log.js';
export type { StateDocument as EmulatorStateDocument } from './state.js';

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
  /** Emulated time per real time (default 1): records' times and lifecycles such as a fine-tuning task's. 0 stops the clock: lifecycles move only when `clock.advance` (or POST /_emulator/api/clock) moves it. */
  speed?: number;
  /** Descriptor directories after the built-in actions/ and QIANFAN_ACTIONS_PATH; later ones win. */
  actionPaths?: readonly string[];
  /** Faults active from the start; more can be added with `emulator.faults.inject`. */
  faults?: ReadonlyArray<FaultSpec | string>;
  /** The wall clock, in epoch milliseconds: the signature window and the Date header, and where the emulator's clock starts. */
  now?: () => number;
  /** Required by the control plane (/_emulator/) in the x-emulator-control-token header; without it the control plane is open on loopback and shut elsewhere. At least 8 characters. */
  controlToken?: string;
  /** Largest request body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** Environment to read instead of process.env (keys, QIANFAN_ACTIONS_PATH). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives one line per request: status, action, time taken. Never a key or a signature. */
  log?: (line: string) => void;
}

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
  /** The dashboard, e.g. http://127.0.0.1:8417/_emulator/ (the control plane's API is under it, at api/). */
  readonly controlUrl: string;
  readonly faults: {
    inject(spec: FaultSpec | string): void;
    clear(): void;
    list(): ReadonlyArray<{ spec: FaultSpec; text: string; seen: number; fired: number }>;
  };
  /** The emulator's clock: records' times and lifecycles. `advance(ms)` moves it forward and returns the new time. */
  readonly clock: { now(): number; advance(ms: number): number; readonly speed: number };
  /** The last 1,000 calls to console routes (fewer when their bodies pass 8 MiB), oldest first — refused and faulted ones included: what a test's code really sent. */
  readonly calls: readonly ReceivedCall[];
  /** Every record by resource, as a state file holds them (a copy). */
  snapshot(): StateDocument;
  /** Replaces every record with a snapshot's or seed's; a document that is not one throws ConfigError (code InvalidState) and changes nothing. */
  load(document: StateDocument): void;
  /** Records as the dashboard shows them now: by route and resource, lifecycles worked out. */
  view(): StateView;
  /** Forgets every record (and saves that, with a state file) and the calls. */
  reset(): void;
  /** Stops listening and ends every connection; pending delayed answers are dropped. With a state file, writes it whole and releases its lock. */
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Target = ReturnType<typeof splitTarget>;

const ROUTE = /^\/v2\/([^/]+)$/;
/** Bounds the cache of checked action names, so that a flood of made-up names cannot grow it. */
const MAX_CACHED_ACTION_NAMES = 1024;
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
  readonly clock: EmulatorClock;
  readonly keySource: Emulator['keySource'];
  readonly accessKey: string;
  readonly #secretKey: string;
  readonly #callLog = new CallLog();
  readonly #control: ControlPlane;
  readonly #viewer: StateViewer;
  readonly #state: EmulatorState;
  readonly #engine: Engine;
  readonly #store: DescriptorStore;
  readonly #maxBodyBytes: number;
  readonly #log: ((line: string) => void) | undefined;
  readonly #server: Server;
  /** Fires on close, so that delayed answers stop waiting. */
  readonly #closing = new AbortController();
  readonly #sts = new StsEmulator(() => this.clock.wallNow());
  /** Action names already checked, by area/Action: a client calls the same few actions again and again. */
  readonly #actionNames = new Map<string, Readonly<ActionName>>();
  #address: AddressInfo | undefined;
  #dateSecond = NaN;
  #dateHeader = '';

  constructor(options: EmulatorOptions) {
    const env = options.env ?? process.env;
    const keys = resolveKeys(options, env);
    this.accessKey = keys.accessKey;
    this.#secretKey = keys.secretKey;
    this.keySource = keys.source;
    const clock = new EmulatorClock(options.now ?? Date.now, options.speed ?? 1);
    this.clock = clock;
    this.#maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.#log = options.log;
    this.#state = new EmulatorState(options.statePath);
    // The clock already runs at the emulator's speed, so the engine's lifecycles take its time as it is.
    this.#engine = new Engine(this.#state, { now: () => clock.now(), speed: 1 });
    this.#store = new DescriptorStore(actionSearchPath(env['QIANFAN_ACTIONS_PATH'], options.actionPaths));
    this.#viewer = new StateViewer(this.#state, this.#store);
    if (options.controlToken !== undefined && options.controlToken.length < 8)
      throw new ConfigError('controlToken must have at least 8 characters', { code: 'InvalidConfig' });
    this.#control = new ControlPlane(this, options.controlToken);
    for (const spec of options.faults ?? []) this.faults.inject(spec);
    this.#server = createServer((req, res) => void (ControlPlane.owns(req.url) ? this.#control.handle(req, res) : this.#handle(req, res)));
  }

  get calls(): readonly ReceivedCall[] {
    return this.#callLog.calls;
  }

  get controlUrl(): string {
    return `${this.url}${CONTROL_PREFIX}/`;
  }

  snapshot(): StateDocument {
    return structuredClone(this.#state.snapshot());
  }

  load(document: StateDocument): void {
    try {
      this.#state.load(document);
    } catch (error) {
      throw new ConfigError(`cannot load that state: ${(error as Error).message}`, { code: 'InvalidState' });
    }
  }

  view(): StateView {
    return this.#viewer.view(this.clock.now());
  }

  /** A call as the control plane shows it: the action's x-sensitive body fields masked. */
  shownCall(call: ReceivedCall): Record<string, unknown> {
    let schema: JsonSchema | undefined;
    try {
      schema = this.#store.find(parseActionName(call.route, call.action))?.descriptor.body;
    } catch {
      schema = undefined; // a broken descriptor is reported to the call itself; here the body is left out
    }
    return showCall(call, schema);
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
    this.#callLog.clear();
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
    // Split once: STS, the route and the signature check all read the same target.
    const target = splitTargetOrRefusal(req.url ?? '/');
    if (!(target instanceof ConsoleError) && this.#sts.handles(target.path)) {
      return this.#sts.answer(req, res, (ak) => (ak === this.accessKey ? this.#secretKey : undefined));
    }
    const started = performance.now();
    const requestId = randomUUID();
    // Every answer's head, given whole to writeHead (setHeader one by one costs more per call).
    const head = ['x-bce-request-id', requestId, 'date', this.#httpDate(), 'content-type', 'application/json; charset=utf-8'];
    let name: ActionName | undefined;
    let outcome: string;
    let call: ReceivedCall | undefined;
    try {
      name = this.#route(req, target);
      call = this.#callLog.open({ route: name.route, action: name.action, at: this.clock.now(), requestId });
      outcome = await this.#answer(req, res, name, target as Target, requestId, head, call);
    } catch (error) {
      const refusal = error instanceof ConsoleError ? error : internalError(error);
      // A refusal before the body was read (too large, not authenticated) does not read the rest of it:
      // the connection ends with the answer.
      send(res, refusal.status, { requestId, code: refusal.code, message: refusal.message }, req.complete ? head : [...head, 'connection', 'close']);
      outcome = `${refusal.status} ${refusal.code}`;
    }
    if (call && res.headersSent) call.status = res.statusCode;
    this.#control.changed();
    if (this.#log) this.#log(`${outcome} ${name ? `${name.area}/${name.action}` : `${req.method} ${req.url}`} ${Math.round(performance.now() - started)} ms`);
  }

  /** The Date header: made once per second of the wall clock. */
  #httpDate(): string {
    const second = Math.floor(this.clock.wallNow() / 1000);
    if (second !== this.#dateSecond) {
      this.#dateSecond = second;
      this.#dateHeader = new Date(second * 1000).toUTCString();
    }
    return this.#dateHeader;
  }

  /** The action a request is for, checked before anything is read. */
  #route(req: IncomingMessage, target: Target | ConsoleError): ActionName {
    if (req.method !== 'POST') throw new ConsoleError(405, 'MethodNotAllowed', `console actions are called with POST, not ${req.method}`);
    if (target instanceof ConsoleError) throw target;
    const { path, query } = target;
    const area = ROUTE.exec(path)?.[1];
    if (area === undefined) throw new ConsoleError(404, 'InvalidURI', `there is no console route at ${path}; routes are /v2/<area>, such as /v2/finetuning`);
    const action = query.find(([key]) => key === 'Action')?.[1];
    if (!action) throw new ConsoleError(400, 'InvalidAction', 'the query has no Action; call POST /v2/<area>?Action=<Action>');
    const key = `${area}/${action}`; // an area has no '/', so the key splits one way only
    const known = this.#actionNames.get(key);
    if (known) return known;
    try {
      if (this.#actionNames.size >= MAX_CACHED_ACTION_NAMES) this.#actionNames.clear();
      const name = Object.freeze(parseActionName(area, action));
      this.#actionNames.set(key, name);
      return name;
    } catch (error) {
      if (error instanceof ValidationError) throw new ConsoleError(400, 'InvalidAction', error.problems.map((p) => p.message).join('; '));
      throw error;
    }
  }

  /** Answers one action call; returns a word for the log. */
  async #answer(
    req: IncomingMessage,
    res: ServerResponse,
    name: ActionName,
    target: Target,
    requestId: string,
    head: readonly string[],
    call: ReceivedCall,
  ): Promise<string> {
    const declared = Number(req.headers['content-length']);
    if (declared > this.#maxBodyBytes) throw tooLarge(this.#maxBodyBytes);
    try {
      authenticate(
        { method: req.method!, rawUrl: req.url!, headers: req.headers, target },
        (ak) => (ak === this.accessKey ? this.#secretKey : this.#sts.secretKeyOf(ak)),
        this.clock.wallNow(),
      );
    } catch (error) {
      if (error instanceof ConsoleError) call.signature = error.code;
      throw error;
    }
    call.signature = 'valid';
    const bytes = await readBody(req, this.#maxBodyBytes);
    // Parsed once, for the record of calls and for the action. A malformed body is refused only after
    // the faults and the action lookup, so that an injected fault or an unknown action answers first.
    let body: Body | ConsoleError;
    try {
      body = parseBody(bytes);
    } catch (error) {
      if (!(error instanceof ConsoleError)) throw error;
      body = error;
    }
    if (!(body instanceof ConsoleError)) this.#callLog.attachBody(call, body, bytes.length);
    for (const fault of this.faults.take(name.area, name.action)) {
      call.fault = call.fault === undefined ? faultText(fault) : `${call.fault}, ${faultText(fault)}`;
      if (fault.type === 'delay') {
        await sleep(fault.ms, this.#closing.signal);
        continue;
      }
      return injectFault(fault, req, res, requestId, head);
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
    const result = block ? this.#engine.run(action, block, body) : fallbackResult(action.descriptor, this.clock.now());
    send(res, 200, { requestId, result }, head);
    return '200';
  }
}

function resolveKeys(
  options: EmulatorOptions,
  env: Readonly<Record<string, string | undefined>>,
): { accessKey: string; secretKey: string; source: Emulator['keySource'] } {
  if (options.accessKey !== undefined || options.secretKey !== undefined) {
    if (!options.accessKey || !options.secretKey)
      throw new ConfigError('give the emulator both accessKey and secretKey, or neither', { code: 'InvalidConfig' });
    return { accessKey: options.accessKey, secretKey: options.secretKey, source: 'options' };
  }
  const accessKey = env['QIANFAN_ACCESS_KEY']?.trim();
  const secretKey = env['QIANFAN_SECRET_KEY']?.trim();
  if (accessKey && secretKey) return { accessKey, secretKey, source: 'environment' };
  return { accessKey: DEMO_ACCESS_KEY, secretKey: DEMO_SECRET_KEY, source: 'demo' };
}

function injectFault(fault: Exclude<Fault, { type: 'delay' }>, req: IncomingMessage, res: ServerResponse, requestId: string, head: readonly string[]): string {
  switch (fault.type) {
    case 'drop':
      req.socket.destroy();
      return 'dropped (injected)';
    case 'malformed':
      res.writeHead(200, [...head]).end(`{"requestId":"${requestId}","result":{"trunc`);
      return '200 malformed (injected)';
    case 'legacy':
      send(res, 200, { log_id: Date.now(), error_code: fault.code, error_msg: LEGACY_CODES[fault.code] }, head);
      return `200 error_code ${fault.code} (injected)`;
    case 'status': {
      const code = fault.code ?? STATUS_CODES[fault.status] ?? (fault.status < 500 ? 'InvalidRequest' : 'InternalError');
      send(res, fault.status, { requestId, code, message: fault.message ?? `${code} (a fault injected into the emulator)` }, head);
      return `${fault.status} ${code} (injected)`;
    }
  }
}

/** The request target as split, or the refusal of a malformed one (answered after the method check, as a console call). */
function splitTargetOrRefusal(rawUrl: string): Target | ConsoleError {
  try {
    return splitTarget(rawUrl);
  } catch (error) {
    if (error instanceof ConsoleError) return error;
    throw error;
  }
}

/** An unexpected failure: a broken descriptor says which file; anything else is the emulator's own bug. */
function internalError(error: unknown): ConsoleError {
  if (error instanceof DescriptorError) return new ConsoleError(500, 'InternalError', error.message);
  if ((error as Error | undefined)?.name === 'AbortError') return new ConsoleError(503, 'ServiceUnavailable', 'the emulator is shutting down');
  return new ConsoleError(500, 'InternalError', `the emulator failed: ${(error as Error | undefined)?.message ?? String(error)}`);
}
