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

/** Calls remembered, and the body bytes they may hold; past either the oldest are forgotten. */
export const MAX_REMEMBERED_CALLS = 1000;
export const MAX_REMEMBERED_BODY_BYTES = 8 * 1024 * 1024;

/** A ring buffer, so that remembering a call never shifts an array, bounded in count and in body bytes, so that a flood of large bodies cannot pin memory. */
export class CallLog {
  readonly #slots: Array<ReceivedCall | undefined> = new Array<undefined>(MAX_REMEMBERED_CALLS);
  /** Body bytes of the calls still remembered. */
  readonly #bytes = new WeakMap<ReceivedCall, number>();
  /** Each entry's place in the order of arrival, to tell whether it is still remembered. */
  readonly #arrival = new WeakMap<ReceivedCall, number>();
  #arrived = 0;
  #oldest = 0;
  #count = 0;
  #totalBytes = 0;

  /** Oldest first (a copy). */
  get calls(): ReceivedCall[] {
    const calls: ReceivedCall[] = [];
    for (let i = 0; i < this.#count; i++) calls.push(this.#slots[(this.#oldest + i) % MAX_REMEMBERED_CALLS]!);
    return calls;
  }

  /** Starts the entry of a call that has just arrived; the handler fills in the rest as it learns it. */
  open(call: Pick<ReceivedCall, 'route' | 'action' | 'at' | 'requestId'>): ReceivedCall {
    const entry: ReceivedCall = { ...call, body: undefined, signature: 'unchecked' };
    this.#arrival.set(entry, this.#arrived++);
    if (this.#count === MAX_REMEMBERED_CALLS) this.#forgetOldest();
    this.#slots[(this.#oldest + this.#count) % MAX_REMEMBERED_CALLS] = entry;
    this.#count++;
    return entry;
  }

  /** Gives an entry the body read from `bytes` bytes, forgetting the oldest calls while the bodies pass the bound (the newest stays). */
  attachBody(entry: ReceivedCall, body: unknown, bytes: number): void {
    entry.body = body;
    // A call forgotten while its body streamed (or since clear()) holds nothing here.
    if (this.#arrival.get(entry)! < this.#arrived - this.#count) return;
    this.#bytes.set(entry, bytes);
    this.#totalBytes += bytes;
    while (this.#totalBytes > MAX_REMEMBERED_BODY_BYTES && this.#count > 1) this.#forgetOldest();
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#oldest = 0;
    this.#count = 0;
    this.#totalBytes = 0;
  }

  #forgetOldest(): void {
    const oldest = this.#slots[this.#oldest]!;
    this.#totalBytes -= this.#bytes.get(oldest) ?? 0;
    this.#bytes.delete(oldest);
    this.#slots[this.#oldest] = undefined;
    this.#oldest = (this.#oldest + 1) % MAX_REMEMBERED_CALLS;
    this.#count--;
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
