/**
 * Middleware: code of the application's own that runs around each call of a client, in the order added.
 * Every hook may be async; a hook that throws fails the call with its error.
 */
import type { ActionResponse } from '../response/parse.js';

export interface RequestContext {
  readonly route: string;
  readonly action: string;
  /** The body as validated; read-only: what is sent was serialised already. */
  readonly body: Readonly<Record<string, unknown>>;
  /**
   * Extra headers to send with every attempt of this call (lower-case names). An `x-bce-*` header is
   * signed with the rest; the headers the signature is made of (host, content-type, x-bce-date,
   * authorization, x-bce-security-token) cannot be set here.
   */
  headers: Record<string, string>;
  /**
   * Answers the call with this response instead of sending it: nothing is signed or sent, and the
   * onRequest hooks after this one do not run (how qianfan-console/testing stubs calls).
   */
  respondWith(response: ActionResponse): void;
}

export interface ResponseContext {
  readonly route: string;
  readonly action: string;
  /** The HTTP status of the answer (200 for a response given by respondWith). */
  readonly status: number;
  /** The answer's headers, lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly result: unknown;
  readonly requestId: string;
}

export interface ErrorContext {
  readonly route: string;
  readonly action: string;
  /** The call's final error, after its retries. */
  readonly error: unknown;
}

export interface Middleware {
  /** Before the request is signed, once per call. */
  onRequest?(context: RequestContext): void | Promise<void>;
  /** After the call succeeded. */
  onResponse?(context: ResponseContext): void | Promise<void>;
  /** Once per failed call, after its retries, with the error the caller gets. */
  onError?(context: ErrorContext): void | Promise<void>;
}
