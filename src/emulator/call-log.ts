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

/**
 * A ring buffer, so that remembering a call never shifts an array, bounded in count and in body bytes, so
 * that a flood of large bodies cannot pin memory. The call that arrived n-th sits in slot n % MAX, its
 * body bytes beside it in a parallel array (no per-call map to keep up).
 */
export class CallLog {
  readonly #slots: Array<ReceivedCall | undefined> = new Array<undefined>(MAX_REMEMBERED_CALLS);
  readonly #slotBytes: number[] = new Array<number>(MAX_REMEMBERED_CALLS).fill(0);
  #arrived = 0;
  #count = 0;
  #totalBytes = 0;

  /** Oldest first (a copy). */
  get calls(): ReceivedCall[] {
    const calls: ReceivedCall[] = [];
    for (let i = 0; i < this.#count; i++) calls.push(this.#slots[(this.#arrived - this.#count + i) % MAX_REMEMBERED_CALLS]!);
    return calls;
  }

  /** Starts the entry of a call that has just arrived; the handler fills in the rest as it learns it. */
  open({ route, action, at, requestId }: Pick<ReceivedCall, 'route' | 'action' | 'at' | 'requestId'>): ReceivedCall {
    const entry: ReceivedCall = { route, action, at, requestId, body: undefined, signature: 'unchecked' };
    if (this.#count === MAX_REMEMBERED_CALLS) this.#forgetOldest();
    const slot = this.#arrived % MAX_REMEMBERED_CALLS;
    this.#slots[slot] = entry;
    this.#slotBytes[slot] = 0;
    this.#arrived++;
    this.#count++;
    return entry;
  }

  /** Gives an entry the body read from `bytes` bytes, forgetting the oldest calls while the bodies pass the bound (the newest stays). */
  attachBody(entry: ReceivedCall, body: unknown, bytes: number): void {
    entry.body = body;
    // A call forgotten while its body streamed (or since clear()) holds nothing here.
    const slot = this.#slotOf(entry);
    if (slot === undefined) return;
    this.#slotBytes[slot] = bytes;
    this.#totalBytes += bytes;
    while (this.#totalBytes > MAX_REMEMBERED_BODY_BYTES && this.#count > 1) this.#forgetOldest();
  }

  clear(): void {
    this.#slots.fill(undefined);
    this.#slotBytes.fill(0);
    this.#count = 0;
    this.#totalBytes = 0;
  }

  /** Where a remembered entry sits, looked for from the newest: a body is read while few calls arrive after it. */
  #slotOf(entry: ReceivedCall): number | undefined {
    for (let back = 1; back <= this.#count; back++) {
      const slot = (this.#arrived - back) % MAX_REMEMBERED_CALLS;
      if (this.#slots[slot] === entry) return slot;
    }
    return undefined;
  }

  #forgetOldest(): void {
    const oldest = (this.#arrived - this.#count) % MAX_REMEMBERED_CALLS;
    this.#totalBytes -= this.#slotBytes[oldest]!;
    this.#slotBytes[oldest] = 0;
    this.#slots[oldest] = undefined;
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
