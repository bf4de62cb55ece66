/**
 * Hand-made requests to the emulator, for the protocol tests: signed with the library's public `sign`
 * (or not), then changed on purpose before they are sent, over node:http so that every header —
 * Host included — goes out exactly as given.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import { sign, type Emulator } from 'qianfan-console';

export interface WireRequest {
  route?: string;
  action?: string;
  /** JSON-serialised unless `rawBody` is given. */
  body?: unknown;
  rawBody?: string;
  /** When the request is signed (default: now). */
  signedAtMs?: number;
  accessKey?: string;
  secretKey?: string;
  /** Header names to sign (default content-type;host;x-bce-date, as our client does). */
  signedHeaders?: string[];
  /** Changes the headers after signing: the tampering under test. */
  afterSigning?: (headers: Record<string, string>) => void;
  /** Sent instead of the signed path and query. */
  sentPath?: string;
  method?: string;
}

export interface WireResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown> | undefined;
}

/** The request's headers, Authorization included, signed as asked. */
export function signedHeaders(emulator: Emulator, request: WireRequest = {}): { path: string; headers: Record<string, string>; body: string } {
  const route = request.route ?? '/v2/finetuning';
  const action = request.action ?? 'DescribeFineTuningJobs';
  const body = request.rawBody ?? JSON.stringify(request.body ?? {});
  const timestamp = new Date(request.signedAtMs ?? Date.now()).toISOString().slice(0, 19) + 'Z';
  const headers: Record<string, string> = {
    host: new URL(emulator.url).host,
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-bce-date': timestamp,
  };
  const { authorization } = sign(
    { accessKey: request.accessKey ?? emulator.accessKey, secretKey: request.secretKey ?? emulator.secretKey },
    {
      method: 'POST',
      path: route,
      query: [['Action', action]],
      headers,
      timestamp,
      expirationSeconds: 1800,
      headersToSign: request.signedHeaders ?? ['content-type', 'host', 'x-bce-date'],
      exactHeaders: true,
    },
  );
  headers['authorization'] = authorization;
  request.afterSigning?.(headers);
  return { path: request.sentPath ?? `${route}?Action=${action}`, headers, body };
}

/** Sends one request and reads the whole answer. */
export function send(emulator: Emulator, request: WireRequest = {}): Promise<WireResponse> {
  const { path, headers, body } = signedHeaders(emulator, request);
  const url = new URL(emulator.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: request.method ?? 'POST', path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(text) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The console's error shape: status, {requestId, code, message}, the same id in x-bce-request-id, and a Date. */
export function expectRefusal(response: WireResponse, status: number, code: string): string {
  expect(response.status).toBe(status);
  expect(response.json).toMatchObject({ code, requestId: expect.any(String), message: expect.any(String) });
  expect(response.headers['x-bce-request-id']).toBe(response.json!['requestId']);
  expectDate(response.headers);
  return response.json!['message'] as string;
}

export function expectDate(headers: IncomingHttpHeaders): void {
  expect(headers['date']).toMatch(/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
}
