/**
 * The client: one configuration, one connection pool, one descriptor store, and the pipeline every
 * call runs through. Each step lives where its folder says:
 *   options checked      src/config/checks.ts       transport chosen   src/transport/choose.ts
 *   action resolved      src/descriptors/resolve.ts body validated    src/validation/prepare.ts
 *   request signed       src/signing/request-signer.ts (clock skew, user agent)
 *   attempts and retries src/retry/loop.ts          limits             src/limits/limiter.ts
 *   one attempt sent     src/client/attempt-sender.ts (keys, slot, signature, transport)
 *   debug lines          src/logging/debug-lines.ts
 */
import { checkCallOptions, checkClientCounts, checkMode, checkUndescribedActions } from '../config/checks.js';
import { resolveConfig, requireCredentials, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, type ResolvedConfig } from '../config/config.js';
import { userAgent } from '../config/user-agent.js';
import { actionSearchPath } from '../descriptors/paths.js';
import { ActionResolver, type ResolvedAction } from '../descriptors/resolve.js';
import { DescriptorStore } from '../descriptors/store.js';
import { CredentialCache } from '../credentials/cache.js';
import { ClientClosedError, ConfigError } from '../errors.js';
import type { Limiter } from '../limits/limiter.js';
import { createLimiter } from '../limits/shared-rate.js';
import { shownRequest, type ShownRequest } from '../logging/debug-lines.js';
import { quietLogger, stderrLogger, type Logger } from '../logging/logger.js';
import { scrub } from '../logging/redact.js';
import { parseResponse, type ActionResponse } from '../response/parse.js';
import { RetryBudget } from '../retry/budget.js';
import { runWithRetries, type Attempts } from '../retry/loop.js';
import { checkRetryPolicy, loadRetryPolicy, readRetryPolicy, type RetryPolicy } from '../retry/policy.js';
import { RequestSigner } from '../signing/request-signer.js';
import { chooseTransport } from '../transport/choose.js';
import type { HttpRequest, Transport } from '../transport/types.js';
import { DEFAULT_VALIDATION_MODE, type ValidationMode } from '../validation/body.js';
import { ValidationNotices } from '../validation/notices.js';
import { prepareCall, type PreparedCall } from '../validation/prepare.js';
import type { Middleware } from '../middleware/types.js';
import { callThrough, type MiddlewareCall } from '../middleware/run.js';
import { traced, tracingEnabled } from '../tracing/otel.js';
import type { ActionArguments, ActionResult } from './action-types.js';
import { AttemptSender } from './attempt-sender.js';
import type { CallOptions, ClientOptions } from './options.js';
import { followSignal, linkSignals } from './signals.js';
import type { Catalogue } from './catalogue.js';

export type { CallOptions, ClientOptions } from './options.js';
export type { ResolvedAction } from '../descriptors/resolve.js';
export type { PreparedCall } from '../validation/prepare.js';
export type { ShownRequest } from '../logging/debug-lines.js';

/** A configured client: one connection pool, one descriptor catalogue, its limits and middleware. Made by createClient. */
export class QianfanClient {
  /** The configuration in effect: the options, then the environment, then the defaults. */
  readonly config: ResolvedConfig;
  /** @internal The descriptor store with its compiled validators; the public view of it is `catalogue`. */
  readonly store: DescriptorStore;
  readonly #options: ClientOptions;
  readonly #transport: Transport;
  readonly #limiter: Limiter;
  readonly #logger: Logger;
  readonly #validation: ValidationMode;
  readonly #notices: ValidationNotices;
  readonly #resolver: ActionResolver;
  readonly #signer: RequestSigner;
  /** Follows options.signal; see followSignal. */
  readonly #signal: AbortSignal | undefined;
  readonly #attempts: Attempts<PreparedCall, ActionResponse>;
  /** The same for calls through middleware, which carry extra headers and keep the last response; made on first use(). */
  #middlewareAttempts: Attempts<MiddlewareCall, ActionResponse> | undefined;
  readonly #middleware: Middleware[] = [];
  readonly #sender: AttemptSender;
  #retryPolicy: RetryPolicy | undefined;
  #retryBudget: RetryBudget | undefined;
  #closed = false;

  constructor(options: ClientOptions = {}) {
    this.#options = options;
    const env = options.env ?? process.env;
    this.config = resolveConfig(options, env);
    this.store = new DescriptorStore(actionSearchPath(this.config.actionsPathEnv, options.actionPaths));
    this.#validation = checkMode(options.validation ?? DEFAULT_VALIDATION_MODE);
    checkClientCounts(options);
    this.#signal = options.signal && followSignal(options.signal);
    this.#transport = chooseTransport(options);
    const debug = options.logger !== undefined || this.config.debug;
    this.#logger = options.logger ?? (this.config.debug ? stderrLogger : quietLogger);
    this.#notices = new ValidationNotices(this.#logger);
    const { qps, qpsStore, accessKey } = this.config;
    this.#limiter = createLimiter({
      qps,
      qpsStore,
      accessKey,
      maxConcurrency: options.maxConcurrency,
      qpsKey: options.qpsKey,
      sharedRate: options.sharedRate,
      logger: this.#logger,
    });
    this.#resolver = new ActionResolver(
      this.store,
      this.config.baseUrl.pathname.replace(/\/$/, ''),
      checkUndescribedActions(options.undescribedActions),
      this.#logger,
    );
    this.#signer = new RequestSigner({
      origin: this.config.baseUrl.origin,
      host: this.config.baseUrl.host,
      expirationSeconds: this.config.expirationSeconds,
      credentials: () => requireCredentials(this.config),
      userAgent: () => userAgent(this.config.appId),
    });
    this.#sender = new AttemptSender({
      signer: this.#signer,
      limiter: this.#limiter,
      transport: this.#transport,
      credentials: typeof options.credentials === 'function' ? new CredentialCache(options.credentials) : undefined,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      debug: debug ? (line) => this.#log(line) : undefined,
    });
    this.#attempts = {
      send: (prepared, attempt, maxAttempts, timeoutMs, signal) => this.#sender.send(prepared, undefined, signal, timeoutMs, attempt, maxAttempts),
      read: (prepared, response) => {
        const parsed = parseResponse(response, prepared.action.where);
        if (debug) this.#notices.checkResult(prepared.action.descriptor, prepared.action.where, parsed.result);
        return parsed;
      },
      clockOffsetMs: () => this.#signer.clockOffsetMs,
      onClockSkew: (date, action) => {
        const disbelieved = this.#signer.learnClockOffset(date);
        if (disbelieved) this.#logger.warn(`${action} was refused as expired, but ${disbelieved}`);
      },
      onThrottle: (delayMs) => this.#limiter.pause(delayMs),
      onAnswer: (headers, throttled) => this.#limiter.observe(headers, throttled),
      debug: debug ? (line) => this.#log(line) : undefined,
    };
  }

  /**
   * Adds middleware: its hooks run around every later call, after those added before it (see Middleware).
   * Returns a function that removes it again.
   */
  use(middleware: Middleware): () => void {
    if (middleware === null || typeof middleware !== 'object')
      throw new ConfigError(`use() takes an object with onRequest, onResponse or onError hooks, got ${middleware === null ? 'null' : typeof middleware}`, {
        code: 'InvalidConfig',
      });
    const direct = this.#attempts;
    this.#middlewareAttempts ??= {
      ...direct,
      send: (call, attempt, maxAttempts, timeoutMs, signal) => this.#sender.send(call.prepared, call.headers, signal, timeoutMs, attempt, maxAttempts),
      read: (call, response) => {
        call.response = response;
        return direct.read(call.prepared, response);
      },
    };
    this.#middleware.push(middleware);
    return () => {
      const at = this.#middleware.indexOf(middleware);
      if (at >= 0) this.#middleware.splice(at, 1);
    };
  }

  /** The action descriptors this client reads: its search path, listings, descriptors and waiters. */
  get catalogue(): Catalogue {
    return this.store;
  }

  /** Server time minus local time, as learnt from a RequestExpired answer; added to the clock when signing. */
  get clockOffsetMs(): number {
    return this.#signer.clockOffsetMs;
  }

  /** The retry policy in effect: the retryPolicy option, or retry-policy.yaml on the search path (read on first use). */
  get retryPolicy(): RetryPolicy {
    const given = this.#options.retryPolicy;
    this.#retryPolicy ??=
      given === undefined
        ? loadRetryPolicy(this.store.searchPath)
        : typeof given === 'string'
          ? readRetryPolicy(given)
          : checkRetryPolicy(given, 'the retryPolicy option');
    return this.#retryPolicy;
  }

  /**
   * Calls one console action: POST /v2/<area>?Action=<Action> with the body as JSON. For an action in
   * the catalogue the body and the result are typed (src/generated/actions.ts); any other route and
   * action take any object.
   */
  callAction<Route extends string, Action extends string>(
    route: Route,
    action: Action,
    ...args: ActionArguments<Route, Action>
  ): Promise<ActionResponse<ActionResult<Route, Action>>>;
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

  /** @internal Checks the names and finds the descriptor, once per route and action; touches nothing outside the action directories. */
  resolveAction(route: string, action: string): ResolvedAction {
    return this.#resolver.resolve(route, action);
  }

  /** @internal Checks names, finds the descriptor, validates and serialises the body. Touches no network. */
  prepare(route: string, action: string, body: unknown, validation: ValidationMode = this.#validation): PreparedCall {
    return prepareCall(this.resolveAction(route, action), body, validation === this.#validation ? validation : checkMode(validation), this.#notices);
  }

  /** @internal The signed HTTP request for a prepared call, at the client's clock (local time plus the learnt offset). */
  signRequest(prepared: PreparedCall, nowMs?: number): HttpRequest {
    return this.#signer.sign(prepared, nowMs);
  }

  /** The exact request a call would send, signed now, as it may be shown (for a dry run); sends nothing. */
  showRequest(route: string, action: string, body: unknown): ShownRequest {
    const prepared = this.prepare(route, action, body);
    return shownRequest(prepared, this.signRequest(prepared));
  }

  /** @internal Sends a prepared call: signs each attempt afresh, parses the answer, retries as the policy decides. */
  send(prepared: PreparedCall, options: CallOptions = {}): Promise<ActionResponse> {
    const started = performance.now();
    if (this.#closed)
      return Promise.reject(
        new ClientClosedError('the client was closed; create a new one to call again (nothing was sent)', { code: 'ClientClosed', ...prepared.action.where }),
      );
    let policy: RetryPolicy;
    try {
      policy = this.retryPolicy;
    } catch (error) {
      return Promise.reject(error);
    }
    if (tracingEnabled()) return traced({ ...prepared.action.where, host: this.config.baseUrl.host }, () => this.#dispatch(prepared, policy, options, started));
    return this.#dispatch(prepared, policy, options, started);
  }

  #dispatch(prepared: PreparedCall, policy: RetryPolicy, options: CallOptions, started: number): Promise<ActionResponse> {
    if (this.#middleware.length > 0)
      return callThrough(this.#middleware.slice(), prepared, (call) => this.#run(this.#middlewareAttempts!, call, prepared, policy, options, started));
    return this.#run(this.#attempts, prepared, prepared, policy, options, started);
  }

  #run<Call>(
    attempts: Attempts<Call, ActionResponse>,
    call: Call,
    prepared: PreparedCall,
    policy: RetryPolicy,
    options: CallOptions,
    started: number,
  ): Promise<ActionResponse> {
    const deadlineMs = options.deadlineMs ?? this.#options.deadlineMs;
    const linked = linkSignals(options.signal, this.#signal, deadlineMs);
    return runWithRetries(attempts, call, {
      policy,
      budget: (this.#retryBudget ??= new RetryBudget(policy.quota)),
      maxAttempts: options.maxAttempts ?? this.#options.maxAttempts ?? this.config.maxAttempts ?? policy.maxAttempts,
      idempotent: prepared.action.idempotent,
      timeoutMs: options.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      deadlineAt: deadlineMs === undefined ? Infinity : Date.now() + deadlineMs,
      signal: linked.signal,
      where: prepared.action.where,
      started,
      settled: linked.dispose,
    });
  }

  /** Closes the connection pool (and the shared qps budget's Redis connection); calls after this fail with ClientClosedError. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([this.#transport.close(), this.#limiter.close()]);
  }

  #log(line: string): void {
    this.#logger.debug(scrub(line));
  }
}

/** A client with these options (see ClientOptions); it opens connections on its first call. Close it when done. */
export function createClient(options: ClientOptions = {}): QianfanClient {
  return new QianfanClient(options);
}
