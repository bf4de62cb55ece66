/**
 * The client: one configuration, one connection pool, one descriptor store, and the pipeline every
 * call runs through — descriptor → validate → sign → send → parse → retry.
 */
import { resolveConfig, requireCredentials, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, type ConfigOptions, type ResolvedConfig } from '../config/config.js';
import { parseActionName, type ActionName } from '../descriptors/names.js';
import { actionSearchPath } from '../descriptors/paths.js';
import { DescriptorStore, type LoadedAction } from '../descriptors/store.js';
import { AbortError, ConfigError, QianfanError, ValidationError } from '../errors.js';
import { NO_SLOT, type Limiter, type Release } from '../limits/limiter.js';
import { createLimiter, type SharedRateOptions } from '../limits/shared-rate.js';
import { sleep } from '../limits/sleep.js';
import { quietLogger, stderrLogger, type Logger } from '../logging/logger.js';
import { redactBody, redactHeaders, scrub } from '../logging/redact.js';
import { parseResponse, type ActionResponse } from '../response/parse.js';
import { classify } from '../retry/classify.js';
import { checkRetryPolicy, loadRetryPolicy, readRetryPolicy, type RetryPolicy } from '../retry/policy.js';
import { RetryBudget } from '../retry/budget.js';
import { decideRetry, type RetryDecision } from '../retry/strategy.js';
import { packageRequire } from '../runtime/require.js';
import { ConsoleSigner } from '../signing/console-signer.js';
import { FetchTransport } from '../transport/fetch.js';
import type { HttpRequest, HttpResponse, Transport } from '../transport/types.js';
import { UndiciTransport } from '../transport/undici.js';
import { checkBody, serialiseBody, VALIDATION_MODES, type ValidationMode } from '../validation/body.js';
import { nearest } from '../validation/report.js';
import type { ActionArguments, ActionResult } from './action-types.js';
import { attachMetadata, type CallMetadata } from './metadata.js';
import { followSignal, linkSignals } from './signals.js';

export interface ClientOptions extends ConfigOptions {
  /** Directories searched for descriptors after the built-in actions/ and QIANFAN_ACTIONS_PATH; later ones win. */
  actionPaths?: readonly string[];
  /** Refuse actions that have no descriptor (default: send them unvalidated, as the official SDKs do). */
  strict?: boolean;
  /** strict (default): refuse every schema violation; compatible: only warn on enum/range/length/pattern; off. */
  validation?: ValidationMode;
  /** Attempts per call, the first included (default from the retry policy: 3). 1 disables retries; a RequestExpired refusal is still re-signed once with the server's clock. */
  maxAttempts?: number;
  /** Bounds each attempt (default 60 000 ms). */
  timeoutMs?: number;
  /** Bounds the whole call across attempts and waits (default: none). */
  deadlineMs?: number;
  connectTimeoutMs?: number;
  /** Connections kept to the console (default 64). */
  maxSockets?: number;
  maxResponseBytes?: number;
  /** Calls in flight at once across the client (default: unlimited). */
  maxConcurrency?: number;
  /** With qpsStore: the name of the shared budget (default: a hash of the access key, i.e. the account). */
  qpsKey?: string;
  /** With qpsStore: how the shared rate adapts to throttling, and how long a call waits on the store. */
  sharedRate?: SharedRateOptions;
  /** Reach the console through this HTTP(S) proxy (undici transport; https targets are tunnelled with CONNECT). */
  proxy?: string;
  /** 'undici' (default), 'fetch' (the global fetch, e.g. under nock), or your own Transport. */
  transport?: 'undici' | 'fetch' | Transport;
  /** A retry policy object, or the path of a YAML file; default: retry-policy.yaml on the search path. */
  retryPolicy?: RetryPolicy | string;
  /** Receives debug lines (each attempt) and validation warnings. QIANFAN_DEBUG=1 sends debug lines to stderr. */
  logger?: Logger;
  /** Fires to abort every call of this client. */
  signal?: AbortSignal;
  /** The environment to read instead of process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  deadlineMs?: number;
  maxAttempts?: number;
  validation?: ValidationMode;
}

/** A route and action resolved once per client: names checked, descriptor found. */
export interface ResolvedAction {
  name: ActionName;
  descriptor: LoadedAction | undefined;
  idempotent: boolean;
  /** The path the request is signed and sent to: the base URL's path, then the route. */
  path: string;
  /** The route, action and path with query, as errors and the transport need them. */
  where: { route: string; action: string };
  target: string;
}

/** A call checked and serialised, ready to be signed. */
export interface PreparedCall {
  action: ResolvedAction;
  body: Record<string, unknown>;
  json: string;
}

/** A request as it may be shown: signature masked, x-sensitive body fields masked. */
export interface ShownRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** What actions without a descriptor are presumed to be: reads are safe to repeat. */
const READ_ONLY_PREFIX = /^(Describe|Get|List|Query|Check)[A-Z]/;
/** Distinct route/action pairs one client remembers; past it the memory starts over rather than grow. */
const MAX_RESOLVED_ACTIONS = 1024;

export class QianfanClient {
  readonly config: ResolvedConfig;
  readonly store: DescriptorStore;
  readonly #options: ClientOptions;
  readonly #transport: Transport;
  readonly #limiter: Limiter;
  readonly #logger: Logger;
  readonly #debug: boolean;
  readonly #validation: ValidationMode;
  /** Follows options.signal; see followSignal. */
  readonly #signal: AbortSignal | undefined;
  /** route → action → resolution; two levels, so a call looks up without building a key string. */
  readonly #resolved = new Map<string, Map<string, ResolvedAction>>();
  #resolvedCount = 0;
  readonly #basePath: string;
  #signer: ConsoleSigner | undefined;
  #retryPolicy: RetryPolicy | undefined;
  #retryBudget: RetryBudget | undefined;
  #clockOffsetMs = 0;

  constructor(options: ClientOptions = {}) {
    this.#options = options;
    const env = options.env ?? process.env;
    this.config = resolveConfig(options, env);
    this.#basePath = this.config.baseUrl.pathname.replace(/\/$/, '');
    this.store = new DescriptorStore(actionSearchPath(this.config.actionsPathEnv, options.actionPaths));
    this.#validation = checkMode(options.validation ?? 'strict');
    for (const name of CLIENT_COUNTS) checkCount(options[name], name);
    this.#signal = options.signal && followSignal(options.signal);
    const transportOptions = { maxSockets: options.maxSockets ?? 64, connectTimeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, proxy: checkProxy(options.proxy, options.transport) };
    this.#transport =
      options.transport === undefined || options.transport === 'undici'
        ? new UndiciTransport(transportOptions)
        : options.transport === 'fetch'
          ? new FetchTransport()
          : checkTransport(options.transport);
    this.#debug = options.logger !== undefined || this.config.debug;
    this.#logger = options.logger ?? (this.config.debug ? stderrLogger : quietLogger);
    const { qps, qpsStore, accessKey } = this.config;
    this.#limiter = createLimiter({ qps, qpsStore, accessKey, maxConcurrency: options.maxConcurrency, qpsKey: options.qpsKey, sharedRate: options.sharedRate, logger: this.#logger });
  }

  /** Server time minus local time, as learnt from a RequestExpired answer; added to the clock when signing. */
  get clockOffsetMs(): number {
    return this.#clockOffsetMs;
  }

  get retryPolicy(): RetryPolicy {
    const given = this.#options.retryPolicy;
    this.#retryPolicy ??=
      given === undefined ? loadRetryPolicy(this.store.searchPath) : typeof given === 'string' ? readRetryPolicy(given) : checkRetryPolicy(given, 'the retryPolicy option');
    return this.#retryPolicy;
  }

  /**
   * Calls one console action: POST /v2/<area>?Action=<Action> with the body as JSON. For an action in
   * the catalogue the body and the result are typed (src/generated/actions.ts); any other route and
   * action take any object.
   */
  callAction<Route extends string, Action extends string>(route: Route, action: Action, ...args: ActionArguments<Route, Action>): Promise<ActionResponse<ActionResult<Route, Action>>>;
  callAction(route: string, action: string, body: object = {}, options: CallOptions = {}): Promise<ActionResponse> {
    // Not async: one promise layer less per call; a refusal before sending still arrives as a rejection.
    let prepared: PreparedCall;
    try {
      checkCallOptions(options);
      prepared = this.prepare(route, action, body, options.validation);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.send(prepared, options);
  }

  /** Checks the names and finds the descriptor, once per route and action; touches nothing outside the action directories. */
  resolveAction(route: string, action: string): ResolvedAction {
    let byAction = this.#resolved.get(route);
    let resolved = byAction?.get(action);
    if (!resolved) {
      const name = parseActionName(route, action);
      const where = { route: name.route, action: name.action };
      const descriptor = this.store.find(name);
      // Listing the area costs a directory read, once per client and only for an action without a descriptor.
      const known = descriptor ? [] : this.store.list(name.area).map((a) => a.action);
      if (!descriptor && this.#options.strict) {
        throw new ValidationError(`${name.action} (${name.route}) is not a known action`, [
          {
            path: 'action',
            keyword: 'unknownAction',
            message: known.length ? `no descriptor for ${name.action}; ${name.route} has: ${known.join(', ')}` : `no descriptors exist for ${name.route}`,
          },
        ], where);
      }
      const guess = descriptor ? undefined : nearest(name.action, known);
      if (guess) this.#logger.warn(`${name.action} (${name.route}) has no descriptor, so it is sent unchecked; did you mean ${guess}?`);
      if (descriptor?.descriptor.contentType === 'multipart/form-data') {
        throw new ValidationError(`${name.action} (${name.route}) is an upload the client does not send yet; nothing was sent`, [
          { path: '$', keyword: 'contentType', message: 'the console takes this body as multipart/form-data (a file), and qianfan-console sends JSON only' },
        ], where);
      }
      const path = this.#basePath + name.route;
      resolved = {
        name,
        descriptor,
        idempotent: descriptor ? descriptor.descriptor.idempotent : READ_ONLY_PREFIX.test(name.action),
        path,
        where,
        target: `${path}?Action=${name.action}`,
      };
      if (this.#resolvedCount >= MAX_RESOLVED_ACTIONS) {
        this.#resolved.clear();
        this.#resolvedCount = 0;
        byAction = undefined;
      }
      if (!byAction) this.#resolved.set(route, (byAction = new Map()));
      byAction.set(action, resolved);
      this.#resolvedCount++;
    }
    return resolved;
  }

  /** Checks names, finds the descriptor, validates and serialises the body. Touches no network. */
  prepare(route: string, action: string, body: unknown, validation: ValidationMode = this.#validation): PreparedCall {
    const resolved = this.resolveAction(route, action);
    const { descriptor, where } = resolved;
    const schema = descriptor ? { check: descriptor.checkBody, schema: descriptor.descriptor.body } : undefined;
    const { warnings } = checkBody(body, schema, validation === this.#validation ? validation : checkMode(validation), where);
    for (const w of warnings) this.#logger.warn(`${where.action}: ${w.path}: ${w.message} (sent anyway: validation is compatible)`);
    const checked = body as Record<string, unknown>;
    return { action: resolved, body: checked, json: serialiseBody(checked, where) };
  }

  /** The signed HTTP request for a prepared call, at the client's clock (local time plus the learnt offset). */
  signRequest(prepared: PreparedCall, nowMs = Date.now() + this.#clockOffsetMs): HttpRequest {
    this.#signer ??= this.#createSigner();
    const { path, name, target } = prepared.action;
    const headers = this.#signer.headersAt(path, name.action, nowMs, target);
    return { origin: this.config.baseUrl.origin, path: target, method: 'POST', headers, body: prepared.json };
  }

  /** The exact request a call would send, signed now, as it may be shown (for a dry run); sends nothing. */
  showRequest(route: string, action: string, body: unknown): ShownRequest {
    const prepared = this.prepare(route, action, body);
    return shown(prepared, this.signRequest(prepared));
  }

  #createSigner(): ConsoleSigner {
    return new ConsoleSigner(requireCredentials(this.config), this.config.baseUrl.host, this.config.expirationSeconds, { 'user-agent': userAgent() });
  }

  /** Sends a prepared call: signs each attempt afresh, parses the answer, retries as the policy decides. */
  async send(prepared: PreparedCall, options: CallOptions = {}): Promise<ActionResponse> {
    const started = performance.now();
    const { where } = prepared.action;
    const policy = this.retryPolicy;
    const budget = (this.#retryBudget ??= new RetryBudget(policy.quota));
    // Tokens this call's retries took from the budget; given back if it succeeds.
    let retryCost = 0;
    const maxAttempts = options.maxAttempts ?? this.#options.maxAttempts ?? this.config.maxAttempts ?? policy.maxAttempts;
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const deadlineMs = options.deadlineMs ?? this.#options.deadlineMs;
    const deadlineAt = deadlineMs === undefined ? Infinity : Date.now() + deadlineMs;
    const linked = linkSignals(options.signal, this.#signal, deadlineMs);
    const signal = linked.signal;
    const metadata: CallMetadata = { attempts: 0, totalRetryDelayMs: 0, durationMs: 0, requestId: undefined, httpStatus: undefined, clockOffsetMs: this.#clockOffsetMs, failure: undefined };
    let skewCorrected = false;
    try {
      for (;;) {
        metadata.attempts++;
        let response: HttpResponse | undefined;
        const attemptStarted = performance.now();
        try {
          response = await this.#attempt(prepared, signal, Math.min(timeoutMs, deadlineAt - Date.now()), metadata.attempts, maxAttempts);
          metadata.httpStatus = response.status;
          const parsed = parseResponse(response, where);
          this.#limiter.observe(response.headers, false);
          metadata.requestId = parsed.requestId;
          if (this.#debug) this.#log(`← ${response.status} ${where.action} requestId ${parsed.requestId} in ${elapsed(attemptStarted)} ms`);
          metadata.durationMs = elapsed(started);
          metadata.clockOffsetMs = this.#clockOffsetMs;
          attachMetadata(parsed, metadata);
          budget.recordSuccess(retryCost);
          return parsed;
        } catch (error) {
          if (signal?.aborted || error instanceof AbortError) throw error;
          if (error instanceof QianfanError) metadata.requestId = error.requestId ?? metadata.requestId;
          const failure = classify(error, policy);
          this.#limiter.observe(response?.headers, failure === 'throttle');
          let decision: RetryDecision = decideRetry(failure, policy, {
            attempt: metadata.attempts,
            maxAttempts,
            idempotent: prepared.action.idempotent,
            skewCorrected,
            remainingMs: deadlineAt - Date.now(),
            headers: response?.headers,
          });
          if (decision.retry) {
            const cost = budget.charge(failure);
            if (cost === undefined) decision = { retry: false, reason: "the client's retry budget is spent (many failures lately; see quota in the retry policy)" };
            else retryCost += cost;
          }
          if (this.#debug) {
            const code = error instanceof QianfanError ? error.code : 'Error';
            this.#log(`✗ ${response ? response.status : 'no response'} ${where.action} ${code} after ${elapsed(attemptStarted)} ms; ${decision.retry ? `retrying in ${decision.delayMs} ms (${decision.reason})` : `not retried: ${decision.reason}`}`);
          }
          if (!decision.retry) {
            metadata.failure = failure;
            throw error;
          }
          if (failure === 'clockSkew') {
            skewCorrected = true;
            this.#learnClockOffset(response?.headers['date']);
          }
          if (failure === 'throttle') this.#limiter.pause(decision.delayMs);
          metadata.totalRetryDelayMs += decision.delayMs;
          await sleep(decision.delayMs, signal);
        }
      }
    } catch (error) {
      throw this.#finish(error, where, metadata, started);
    } finally {
      linked.dispose();
    }
  }

  /**
   * One request under the client's limits, signed at the moment it leaves; the slot is not held while a
   * retry waits. Plain promises rather than an async function: this runs once per attempt, and without
   * limits it adds no promise of its own to the transport's.
   */
  #attempt(prepared: PreparedCall, signal: AbortSignal | undefined, timeoutMs: number, attempt: number, maxAttempts: number): Promise<HttpResponse> {
    const slot = this.#limiter.acquire(signal);
    if (typeof slot !== 'function') return slot.then((release) => this.#sendHolding(release, prepared, signal, timeoutMs, attempt, maxAttempts));
    return this.#sendHolding(slot, prepared, signal, timeoutMs, attempt, maxAttempts);
  }

  #sendHolding(release: Release, prepared: PreparedCall, signal: AbortSignal | undefined, timeoutMs: number, attempt: number, maxAttempts: number): Promise<HttpResponse> {
    let sent: Promise<HttpResponse>;
    try {
      const request = this.signRequest(prepared);
      if (this.#debug) this.#logRequest(request, prepared, attempt, maxAttempts);
      sent = this.#transport.send(request, {
        signal,
        timeoutMs: Math.max(1, timeoutMs),
        maxResponseBytes: this.#options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      });
    } catch (error) {
      release();
      return Promise.reject(error);
    }
    return release === NO_SLOT ? sent : sent.finally(release);
  }

  /** Closes the connection pool (and the shared rate's store connection); calls after this fail. */
  async close(): Promise<void> {
    await Promise.all([this.#transport.close(), this.#limiter.close()]);
  }

  #learnClockOffset(date: string | undefined): void {
    const server = date === undefined ? NaN : Date.parse(date);
    if (!Number.isNaN(server)) this.#clockOffsetMs = server - Date.now();
  }

  #finish(error: unknown, where: { route: string; action: string }, metadata: CallMetadata, started: number): unknown {
    if (!(error instanceof QianfanError)) return error;
    error.route ??= where.route;
    error.action ??= where.action;
    metadata.durationMs = elapsed(started);
    metadata.clockOffsetMs = this.#clockOffsetMs;
    error.metadata = metadata;
    return error;
  }

  #logRequest(request: HttpRequest, prepared: PreparedCall, attempt: number, maxAttempts: number): void {
    const { url, headers, body } = shown(prepared, request);
    this.#log(`→ POST ${url} attempt ${attempt}/${maxAttempts} headers ${JSON.stringify(headers)} body ${JSON.stringify(body)}`);
  }

  #log(line: string): void {
    this.#logger.debug(scrub(line, [this.config.secretKey, this.config.sessionToken]));
  }
}

function shown(prepared: PreparedCall, request: HttpRequest): ShownRequest {
  return { method: request.method, url: request.origin + request.path, headers: redactHeaders(request.headers), body: redactBody(prepared.body, prepared.action.descriptor?.descriptor.body) };
}

let userAgentValue: string | undefined;

/** Read on the first signed request rather than at import: importing the package touches no file. */
function userAgent(): string {
  userAgentValue ??= `qianfan-console/${(packageRequire('../../package.json') as { version: string }).version} node/${process.versions.node}`;
  return userAgentValue;
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}

/** Options that count something (attempts, milliseconds, bytes, connections): whole numbers of at least 1. */
const CALL_COUNTS = ['maxAttempts', 'timeoutMs', 'deadlineMs'] as const;
const CLIENT_COUNTS = [...CALL_COUNTS, 'connectTimeoutMs', 'maxSockets', 'maxResponseBytes', 'maxConcurrency'] as const;

function checkCallOptions(options: CallOptions): void {
  for (const name of CALL_COUNTS) checkCount(options[name], name);
}

function checkCount(value: unknown, name: string): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isInteger(value) && value >= 1)) {
    throw new ConfigError(`${name} must be a whole number of at least 1, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`, { code: 'InvalidConfig' });
  }
}

function checkProxy(proxy: unknown, transport: ClientOptions['transport']): string | undefined {
  if (proxy === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = typeof proxy === 'string' ? new URL(proxy) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError('proxy must be an http(s) URL such as http://proxy.example:3128', { code: 'InvalidConfig' });
  }
  if (transport !== undefined && transport !== 'undici') throw new ConfigError('proxy works with the undici transport; give your own Transport its proxy instead', { code: 'InvalidConfig' });
  return url.href;
}

function checkTransport(transport: unknown): Transport {
  const given = transport as Partial<Transport> | null;
  if (given === null || typeof given !== 'object' || typeof given.send !== 'function' || typeof given.close !== 'function') {
    throw new ConfigError(`transport must be 'undici', 'fetch' or an object with send() and close(), got ${typeof transport === 'string' ? JSON.stringify(transport) : typeof transport}`, { code: 'InvalidConfig' });
  }
  return given as Transport;
}

function checkMode(mode: ValidationMode): ValidationMode {
  if (!VALIDATION_MODES.includes(mode)) {
    throw new ConfigError(`validation must be one of ${VALIDATION_MODES.join(', ')}, got ${JSON.stringify(mode)}`, { code: 'InvalidConfig' });
  }
  return mode;
}

export function createClient(options: ClientOptions = {}): QianfanClient {
  return new QianfanClient(options);
}
