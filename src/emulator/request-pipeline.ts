/**
 * One console call, end to end: route → size → authentication → body → injected faults → descriptor →
 * JSON → schema → engine (or the fallback answer), recorded in the call log and answered with
 * Date and x-bce-request-id. STS requests are handed to the STS emulator first.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ActionName } from '../descriptors/names.js';
import type { DescriptorStore } from '../descriptors/store.js';
import { DescriptorError } from '../errors.js';
import { sleep } from '../limits/sleep.js';
import { toProblems } from '../validation/report.js';
import { ActionRouter, type Target } from './action-router.js';
import { Authenticator } from './auth.js';
import type { CallLog, ReceivedCall } from './call-log.js';
import type { EmulatorClock } from './clock.js';
import { ConsoleError } from './console-error.js';
import { emulationOf } from './emulation.js';
import type { Engine } from './engine.js';
import { fallbackResult } from './fallback.js';
import { injectFault } from './fault-answer.js';
import { faultText, type FaultInjector } from './faults.js';
import type { StsEmulator } from './sts.js';
import { parseBody, readBody, send, sendResult, tooLarge } from './wire.js';

type Body = Record<string, unknown>;

/** What the pipeline works with; the emulator owns all of it. */
export interface PipelineParts {
  readonly clock: EmulatorClock;
  readonly faults: FaultInjector;
  readonly callLog: CallLog;
  readonly store: DescriptorStore;
  readonly engine: Engine;
  readonly sts: StsEmulator;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly maxBodyBytes: number;
  /** Aborts on close, so that delayed answers stop waiting. */
  readonly closing: AbortSignal;
  /** Called after every console call, so that the dashboard can refresh. */
  readonly changed: () => void;
  readonly log: ((line: string) => void) | undefined;
}

export class RequestPipeline {
  readonly #parts: PipelineParts;
  readonly #router = new ActionRouter();
  readonly #authenticator = new Authenticator();
  readonly #requestIdPrefix = randomUUID().slice(0, -12);
  #requestCount = 0;
  #dateSecond = NaN;
  #dateHeader = '';

  constructor(parts: PipelineParts) {
    this.#parts = parts;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { sts, accessKey, secretKey, callLog, clock, log } = this.#parts;
    // Split once: STS, the route and the signature check all read the same target.
    const target = this.#router.target(req.url ?? '/');
    if (!(target instanceof ConsoleError) && sts.handles(target.path)) {
      return sts.answer(req, res, (ak) => (ak === accessKey ? secretKey : undefined));
    }
    const started = log ? performance.now() : 0;
    const requestId = this.#nextRequestId();
    // Every answer's head, given whole to writeHead (setHeader one by one costs more per call).
    const head = ['x-bce-request-id', requestId, 'date', this.#httpDate(), 'content-type', 'application/json; charset=utf-8'];
    let name: ActionName | undefined;
    let outcome: string;
    let call: ReceivedCall | undefined;
    try {
      name = this.#router.route(req, target);
      call = callLog.open({ route: name.route, action: name.action, at: clock.now(), requestId });
      outcome = await this.#answer(req, res, name, target as Target, requestId, head, call);
    } catch (error) {
      const refusal = error instanceof ConsoleError ? error : internalError(error);
      // A refusal before the body was read (too large, not authenticated) does not read the rest of it:
      // the connection ends with the answer.
      send(res, refusal.status, { requestId, code: refusal.code, message: refusal.message }, req.complete ? head : [...head, 'connection', 'close']);
      outcome = `${refusal.status} ${refusal.code}`;
    }
    if (call && res.headersSent) call.status = res.statusCode;
    this.#parts.changed();
    if (log) log(`${outcome} ${name ? `${name.area}/${name.action}` : `${req.method} ${req.url}`} ${Math.round(performance.now() - started)} ms`);
  }

  /**
   * A UUID-shaped x-bce-request-id, unique within this emulator: a random prefix drawn once and a counter
   * (a random UUID per call cost more than the rest of the answer's head).
   */
  #nextRequestId(): string {
    return this.#requestIdPrefix + (this.#requestCount++).toString(16).padStart(12, '0');
  }

  /** The Date header: made once per second of the wall clock. */
  #httpDate(): string {
    const second = Math.floor(this.#parts.clock.wallNow() / 1000);
    if (second !== this.#dateSecond) {
      this.#dateSecond = second;
      this.#dateHeader = new Date(second * 1000).toUTCString();
    }
    return this.#dateHeader;
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
    const { maxBodyBytes, accessKey, secretKey, sts, clock, callLog, faults, store, engine } = this.#parts;
    const declared = Number(req.headers['content-length']);
    if (declared > maxBodyBytes) throw tooLarge(maxBodyBytes);
    try {
      this.#authenticator.authenticate(
        { method: req.method!, rawUrl: req.url!, headers: req.headers, target },
        (ak) => (ak === accessKey ? secretKey : sts.secretKeyOf(ak)),
        clock.wallNow(),
      );
    } catch (error) {
      if (error instanceof ConsoleError) call.signature = error.code;
      throw error;
    }
    call.signature = 'valid';
    const bytes = await readBody(req, maxBodyBytes);
    // Parsed once, for the record of calls and for the action. A malformed body is refused only after
    // the faults and the action lookup, so that an injected fault or an unknown action answers first.
    let body: Body | ConsoleError;
    try {
      body = parseBody(bytes);
    } catch (error) {
      if (!(error instanceof ConsoleError)) throw error;
      body = error;
    }
    if (!(body instanceof ConsoleError)) callLog.attachBody(call, body, bytes.length);
    for (const fault of faults.take(name.area, name.action)) {
      call.fault = call.fault === undefined ? faultText(fault) : `${call.fault}, ${faultText(fault)}`;
      if (fault.type === 'delay') {
        await sleep(fault.ms, this.#parts.closing);
        continue;
      }
      return injectFault(fault, req, res, requestId, head);
    }
    const action = store.find(name);
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
    const resultJson = block ? engine.serialize(engine.run(action, block, body)) : JSON.stringify(fallbackResult(action.descriptor, clock.now()));
    sendResult(res, requestId, resultJson, head);
    return '200';
  }
}

/** An unexpected failure: a broken descriptor says which file; anything else is the emulator's own bug. */
function internalError(error: unknown): ConsoleError {
  if (error instanceof DescriptorError) return new ConsoleError(500, 'InternalError', error.message);
  if ((error as Error | undefined)?.name === 'AbortError') return new ConsoleError(503, 'ServiceUnavailable', 'the emulator is shutting down');
  return new ConsoleError(500, 'InternalError', `the emulator failed: ${(error as Error | undefined)?.message ?? String(error)}`);
}
