/**
 * The local console emulator: a node:http server that speaks the console's wire protocol
 * (POST /v2/<area>?Action=<Action>, bce-auth-v1, `{requestId, result}` or `{requestId, code, message}`)
 * and answers from the same descriptors the client uses. It is a client of the library's modules —
 * descriptors, validation, signing — and nothing in the library imports it except the lazy
 * startEmulator of src/index.ts.
 *
 * This file builds the emulator from its options and runs its lifecycle; a console call goes through
 * request-pipeline.ts. Requests under /_emulator/ go to the control plane and dashboard instead (control.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseActionName } from '../descriptors/names.js';
import { actionSearchPath } from '../descriptors/paths.js';
import { DescriptorStore } from '../descriptors/store.js';
import { ConfigError } from '../errors.js';
import type { JsonSchema } from '../validation/schema.js';
import { CallLog, showCall, type ReceivedCall } from './call-log.js';
import { EmulatorClock } from './clock.js';
import { ControlPlane } from './control.js';
import { CONTROL_PREFIX } from './control-wire.js';
import { Engine } from './engine.js';
import { FaultInjector, type FaultSpec } from './faults.js';
import { RequestPipeline } from './request-pipeline.js';
import { EmulatorState, type StateDocument } from './state.js';
import { StsEmulator } from './sts.js';
import { StateViewer, type StateView } from './view.js';

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
  readonly #viewer: StateViewer;
  readonly #state: EmulatorState;
  readonly #store: DescriptorStore;
  readonly #server: Server;
  /** Fires on close, so that delayed answers stop waiting. */
  readonly #closing = new AbortController();
  #address: AddressInfo | undefined;

  constructor(options: EmulatorOptions) {
    const env = options.env ?? process.env;
    const keys = resolveKeys(options, env);
    this.accessKey = keys.accessKey;
    this.#secretKey = keys.secretKey;
    this.keySource = keys.source;
    const clock = new EmulatorClock(options.now ?? Date.now, options.speed ?? 1);
    this.clock = clock;
    this.#state = new EmulatorState(options.statePath);
    // The clock already runs at the emulator's speed, so the engine's lifecycles take its time as it is.
    const engine = new Engine(this.#state, { now: () => clock.now() });
    this.#store = new DescriptorStore(actionSearchPath(env['QIANFAN_ACTIONS_PATH'], options.actionPaths));
    this.#viewer = new StateViewer(this.#state, this.#store);
    if (options.controlToken !== undefined && options.controlToken.length < 8)
      throw new ConfigError('controlToken must have at least 8 characters', { code: 'InvalidConfig' });
    const control = new ControlPlane(this, options.controlToken);
    for (const spec of options.faults ?? []) this.faults.inject(spec);
    const pipeline = new RequestPipeline({
      clock,
      faults: this.faults,
      callLog: this.#callLog,
      store: this.#store,
      engine,
      sts: new StsEmulator(() => clock.wallNow()),
      accessKey: this.accessKey,
      secretKey: this.#secretKey,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      closing: this.#closing.signal,
      changed: () => control.changed(),
      log: options.log,
    });
    this.#server = createServer((req, res) => void (ControlPlane.owns(req.url) ? control.handle(req, res) : pipeline.handle(req, res)));
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
