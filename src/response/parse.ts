/**
 * Reading the console's answer: the success body, or one of its error shapes —
 * V2 `{requestId, code, message}` with HTTP ≥ 400, legacy `{error_code, error_msg}` inside a 200,
 * and IAM failures carried in X-Bce-Error-Code / X-Bce-Error-Message headers. A redirect is an error
 * too: it is never followed, so the signed request goes to the configured endpoint only.
 *
 * Whatever the server says is quoted through `excerpt`: scrubbed of secrets (a gateway may echo the
 * request's Authorization or token) and cut to a readable length.
 */
import { ResponseError, ServiceError, type QianfanErrorFields } from '../errors.js';
import { excerpt } from '../logging/redact.js';
import type { HttpResponse } from '../transport/types.js';

export interface ActionResponse<R = unknown> {
  requestId: string;
  result: R;
  [extra: string]: unknown;
}

interface Where {
  route: string;
  action: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

export function parseResponse(response: HttpResponse, where: Where): ActionResponse {
  const { status, headers } = response;
  // The error fields are assembled only on the way to an error: the success path allocates nothing extra.
  const fail = (requestId: string | undefined, code: string): QianfanErrorFields & { code: string } => ({
    route: where.route,
    action: where.action,
    httpStatus: status,
    requestId: requestId ?? headers['x-bce-request-id'],
    code,
  });
  const iamCode = headers['x-bce-error-code'];
  if (iamCode) {
    const message = excerpt(headers['x-bce-error-message'] ?? 'the console refused the request');
    throw new ServiceError(`${excerpt(iamCode)}: ${message}`, { ...fail(undefined, iamCode), shape: 'iam-header' });
  }
  if (status >= 300 && status < 400) {
    const location = headers['location'];
    const to = location ? ` to ${excerpt(location)}` : '';
    throw new ServiceError(
      `HTTP ${status}: the console answered with a redirect${to}, which is not followed (a signed request goes to the configured endpoint only)`,
      {
        ...fail(undefined, `HTTP${status}`),
        shape: 'http',
      },
    );
  }
  let text: string;
  try {
    text = decoder.decode(response.body);
  } catch {
    throw new ResponseError(`HTTP ${status}: the response body is not UTF-8 text (${response.body.length} bytes)`, fail(undefined, 'InvalidEncoding'));
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (status >= 400)
      throw new ServiceError(`HTTP ${status} with a body that is not JSON: ${preview(text)}`, { ...fail(undefined, `HTTP${status}`), shape: 'http' });
    throw new ResponseError(`HTTP ${status}: the response body is not JSON: ${preview(text)}`, fail(undefined, 'MalformedResponse'));
  }
  const object = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const bodyRequestId = typeof object?.['requestId'] === 'string' ? (object['requestId'] as string) : undefined;
  if (status >= 400) {
    const code = typeof object?.['code'] === 'string' ? (object['code'] as string) : `HTTP${status}`;
    const message = typeof object?.['message'] === 'string' ? excerpt(object['message'] as string) : preview(text);
    throw new ServiceError(`${excerpt(code)}: ${message}`, { ...fail(bodyRequestId, code), shape: object && 'code' in object ? 'v2' : 'http' });
  }
  if (!object) throw new ResponseError(`HTTP ${status}: expected a JSON object, got ${preview(text)}`, fail(undefined, 'MalformedResponse'));
  const legacyCode = object['error_code'];
  if (legacyCode !== undefined && legacyCode !== 0 && legacyCode !== '0') {
    const message = typeof object['error_msg'] === 'string' ? excerpt(object['error_msg']) : 'the console reported an error';
    throw new ServiceError(`${excerpt(String(legacyCode))}: ${message}`, { ...fail(bodyRequestId, String(legacyCode)), shape: 'legacy' });
  }
  if (!('result' in object)) throw new ResponseError(`HTTP ${status}: the response has no result: ${preview(text)}`, fail(bodyRequestId, 'MalformedResponse'));
  if (bodyRequestId === undefined) object['requestId'] = headers['x-bce-request-id'] ?? '';
  return object as ActionResponse;
}

/** A body that is not the expected JSON, on one line. */
function preview(text: string): string {
  return excerpt(text.replace(/\s+/g, ' ').trim()) || '(empty)';
}
