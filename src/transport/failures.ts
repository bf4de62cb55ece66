/** Maps what a transport library throws onto our error classes, the same way for undici and fetch. */
import { abortErrorFrom, AbortError, NetworkError, ResponseError, TimeoutError } from '../errors.js';

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT', 'ABORT_ERR_TIMEOUT']);

export function transportFailure(error: unknown, signal: AbortSignal | undefined, timeoutMs: number): Error {
  if (error instanceof AbortError || error instanceof TimeoutError || error instanceof ResponseError || error instanceof NetworkError) return error;
  if (signal?.aborted) return abortErrorFrom(signal);
  const code = systemCode(error);
  if (code && TIMEOUT_CODES.has(code)) {
    return new TimeoutError(`no complete response within ${timeoutMs} ms (${code})`, {
      code: code === 'UND_ERR_CONNECT_TIMEOUT' ? 'ConnectTimeout' : 'RequestTimeout',
      cause: error,
    });
  }
  const message = describeCause(error);
  return new NetworkError(`network failure: ${message}`, { code: code ?? 'NetworkError', cause: error });
}

/** The first system or undici code in the error or its causes (fetch wraps the real error in TypeError('fetch failed')). */
export function systemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    const errors = (current as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) current = errors[0];
    else current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeCause(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message && !parts.includes(current.message)) parts.push(current.message);
    current = current.cause;
  }
  return parts.join(': ') || String(error);
}

export function tooLarge(limit: number): ResponseError {
  return new ResponseError(`response body exceeds ${limit} bytes (maxResponseBytes); refused`, { code: 'ResponseTooLarge' });
}

/** A network failure after the head arrived means the body was cut short. */
export function truncated(error: Error): Error {
  if (!(error instanceof NetworkError)) return error;
  return new ResponseError(`response body was cut short: ${error.message}`, { code: 'TruncatedResponse', cause: error.cause });
}
