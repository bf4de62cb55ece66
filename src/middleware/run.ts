/**
 * Running a call through the client's middleware: onRequest hooks (which may add headers or answer the
 * call themselves), then the call, then onResponse or onError. Used only when middleware is registered:
 * a client without any never enters this module.
 */
import { ConfigError } from '../errors.js';
import type { ActionResponse } from '../response/parse.js';
import type { HttpResponse } from '../transport/types.js';
import type { PreparedCall } from '../validation/prepare.js';
import type { Middleware, RequestContext } from './types.js';

/** A call on its way through middleware: the headers its hooks added, and the last answer received. */
export interface MiddlewareCall {
  prepared: PreparedCall;
  headers: Record<string, string> | undefined;
  response: HttpResponse | undefined;
}

/** Headers that make the signature itself: set by the signer only. */
const RESERVED_HEADERS: ReadonlySet<string> = new Set(['authorization', 'host', 'content-type', 'content-length', 'x-bce-date', 'x-bce-security-token']);

export async function callThrough(
  middleware: readonly Middleware[],
  prepared: PreparedCall,
  send: (call: MiddlewareCall) => Promise<ActionResponse>,
): Promise<ActionResponse> {
  const { route, action } = prepared.action.where;
  const call: MiddlewareCall = { prepared, headers: undefined, response: undefined };
  let response: ActionResponse | undefined;
  try {
    const headers: Record<string, string> = {};
    const context: RequestContext = { route, action, body: prepared.body, headers, respondWith: (given) => void (response = given) };
    for (const m of middleware) {
      if (m.onRequest) await m.onRequest(context);
      if (response) break;
    }
    if (!response) {
      call.headers = checkHeaders(headers, route, action);
      response = await send(call);
    }
  } catch (error) {
    for (const m of middleware) if (m.onError) await m.onError({ route, action, error });
    throw error;
  }
  const status = call.response?.status ?? 200;
  const headers = call.response?.headers ?? {};
  for (const m of middleware) if (m.onResponse) await m.onResponse({ route, action, status, headers, result: response.result, requestId: response.requestId });
  return response;
}

/** The headers with lower-case names, or undefined when there are none; refuses the signature's own. */
function checkHeaders(headers: Record<string, string>, route: string, action: string): Record<string, string> | undefined {
  const names = Object.keys(headers);
  if (names.length === 0) return undefined;
  const checked: Record<string, string> = {};
  for (const name of names) {
    const lower = name.toLowerCase();
    const value = headers[name];
    if (RESERVED_HEADERS.has(lower))
      throw new ConfigError(`middleware may not set the ${lower} header: the signer sets it (nothing was sent)`, { code: 'InvalidHeader', route, action });
    if (typeof value !== 'string')
      throw new ConfigError(`middleware header ${lower} must be a string, got ${typeof value} (nothing was sent)`, { code: 'InvalidHeader', route, action });
    checked[lower] = value;
  }
  return checked;
}
