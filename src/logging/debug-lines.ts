/** The debug lines of a call (QIANFAN_DEBUG=1 or a logger), and the request as it may be shown; secrets masked. */
import type { HttpRequest } from '../transport/types.js';
import type { PreparedCall } from '../validation/prepare.js';
import { redactBody, redactHeaders } from './redact.js';

/** A request as it may be shown: signature masked, x-sensitive body fields masked. */
export interface ShownRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

export function shownRequest(prepared: PreparedCall, request: HttpRequest): ShownRequest {
  return {
    method: request.method,
    url: request.origin + request.path,
    headers: redactHeaders(request.headers),
    body: redactBody(prepared.body, prepared.action.descriptor?.descriptor.body),
  };
}

export function requestLine(prepared: PreparedCall, request: HttpRequest, attempt: number, maxAttempts: number): string {
  const { url, headers, body } = shownRequest(prepared, request);
  return `→ POST ${url} attempt ${attempt}/${maxAttempts} headers ${JSON.stringify(headers)} body ${JSON.stringify(body)}`;
}

export function responseLine(status: number, action: string, requestId: string, elapsedMs: number): string {
  return `← ${status} ${action} requestId ${requestId} in ${elapsedMs} ms`;
}

export function failureLine(
  status: number | undefined,
  action: string,
  code: string,
  elapsedMs: number,
  decision: { retry: boolean; reason: string; delayMs?: number },
): string {
  const next = decision.retry ? `retrying in ${decision.delayMs} ms (${decision.reason})` : `not retried: ${decision.reason}`;
  return `✗ ${status ?? 'no response'} ${action} ${code} after ${elapsedMs} ms; ${next}`;
}

export function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
