/**
 * Reading the console's answer: the success body, or one of its error shapes —
 * V2 `{requestId, code, message}` with HTTP ≥ 400, legacy `{error_code, error_msg}` inside a 200,
 * and IAM failures carried in X-Bce-Error-Code / X-Bce-Error-Message headers.
 */
import { ResponseError, ServiceError } from '../errors.js';
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
  const headerRequestId = response.headers['x-bce-request-id'];
  const fields = { ...where, httpStatus: response.status, requestId: headerRequestId };
  const iamCode = response.headers['x-bce-error-code'];
  if (iamCode) {
    const message = response.headers['x-bce-error-message'] ?? 'the console refused the request';
    throw new ServiceError(`${iamCode}: ${message}`, { ...fields, code: iamCode, shape: 'iam-header' });
  }
  let text: string;
  try {
    text = decoder.decode(response.body);
  } catch {
    throw new ResponseError(`HTTP ${response.status}: the response body is not UTF-8 text (${response.body.length} bytes)`, { ...fields, code: 'InvalidEncoding' });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    if (response.status >= 400) {
      throw new ServiceError(`HTTP ${response.status} with a body that is not JSON: ${preview(text)}`, { ...fields, code: `HTTP${response.status}`, shape: 'http' });
    }
    throw new ResponseError(`HTTP ${response.status}: the response body is not JSON: ${preview(text)}`, { ...fields, code: 'MalformedResponse' });
  }
  const object = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const requestId = typeof object?.['requestId'] === 'string' ? (object['requestId'] as string) : headerRequestId;
  if (response.status >= 400) {
    const code = typeof object?.['code'] === 'string' ? (object['code'] as string) : `HTTP${response.status}`;
    const message = typeof object?.['message'] === 'string' ? (object['message'] as string) : preview(text);
    throw new ServiceError(`${code}: ${message}`, { ...fields, requestId, code, shape: object && 'code' in object ? 'v2' : 'http' });
  }
  if (!object) {
    throw new ResponseError(`HTTP ${response.status}: expected a JSON object, got ${preview(text)}`, { ...fields, code: 'MalformedResponse' });
  }
  const legacyCode = object['error_code'];
  if (legacyCode !== undefined && legacyCode !== 0 && legacyCode !== '0') {
    const message = typeof object['error_msg'] === 'string' ? object['error_msg'] : 'the console reported an error';
    throw new ServiceError(`${String(legacyCode)}: ${message}`, { ...fields, requestId, code: String(legacyCode), shape: 'legacy' });
  }
  if (!('result' in object)) {
    throw new ResponseError(`HTTP ${response.status}: the response has no result: ${preview(text)}`, { ...fields, requestId, code: 'MalformedResponse' });
  }
  if (typeof object['requestId'] !== 'string') object['requestId'] = requestId ?? '';
  return object as ActionResponse;
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine || '(empty)';
}
