/**
 * What the emulator received: one entry per request to a console route, signed or not, faulted or not,
 * kept in arrival order and bounded so that a long-running emulator does not grow.
 */
import { redactBody } from '../logging/redact.js';
import type { JsonSchema } from '../validation/schema.js';

/** A call as the emulator received and answered it. */
export interface ReceivedCall {
  route: string;
  action: string;
  /** The body as the emulator read it ({} when empty); undefined when it was not a JSON object or was never read (a refused signature). */
  body: unknown;
  /** When it arrived, by the emulator's clock (epoch milliseconds). */
  at: number;
  /** The x-bce-request-id of the answer. */
  requestId: string;
  /** The HTTP status answered; undefined while the call is still being answered, or when its connection was dropped. */
  status?: number;
  /** `valid`, `unchecked` (refused before the signature was looked at: too large), or the refusal's code (SignatureDoesNotMatch, RequestExpired…). */
  signature: string;
  /** The injected fault that ended or delayed the call, as the command line writes it (429, delay-800, drop); absent when none applied. */
  fault?: string;
}

/** Calls remembered; past it the oldest are forgotten. */
export const MAX_REMEMBERED_CALLS = 1000;

export class CallLog {
  /** Oldest first. */
  readonly calls: ReceivedCall[] = [];

  /** Starts the entry of a call that has just arrived; the handler fills in the rest as it learns it. */
  open(call: Pick<ReceivedCall, 'route' | 'action' | 'at' | 'requestId'>): ReceivedCall {
    const entry: ReceivedCall = { ...call, body: undefined, signature: 'unchecked' };
    if (this.calls.length >= MAX_REMEMBERED_CALLS) this.calls.shift();
    this.calls.push(entry);
    return entry;
  }

  clear(): void {
    this.calls.length = 0;
  }
}

/** The calls for an action (`Action` or `area/Action`), newest last, at most `limit` of them. */
export function selectCalls(calls: readonly ReceivedCall[], action: string | undefined, limit: number): ReceivedCall[] {
  const matching = action ? calls.filter((c) => c.action === action || `${c.route.slice('/v2/'.length)}/${c.action}` === action) : calls;
  return matching.slice(Math.max(0, matching.length - limit));
}

/** A call as it may be shown: its time also as ISO text, and its body with the schema's x-sensitive fields masked — left out without a schema, since nothing says what in it is secret. */
export function showCall(call: ReceivedCall, bodySchema: JsonSchema | undefined): Record<string, unknown> {
  const { body, at, ...rest } = call;
  return { at: new Date(at).toISOString(), atMs: at, ...rest, ...(bodySchema && body !== undefined ? { body: redactBody(body, bodySchema) } : {}) };
}
