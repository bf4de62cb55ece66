/**
 * A loopback HTTP server that checks bce-auth-v1 with its own canonicalisation, written apart from
 * src/signing so that a shared mistake cannot pass unnoticed. It records every request it receives
 * and answers with whatever the test's handler returns.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll } from 'vitest';

export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  rawUrl: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** null when the signature checked out, else why not. */
  authProblem: string | null;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Raw bytes instead of JSON. */
  raw?: Buffer | string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  reset?: boolean;
  /** Never answer. */
  hang?: boolean;
  /** Announce a longer body than is sent, then close the connection. */
  truncate?: boolean;
}

export type Handler = (request: ReceivedRequest) => Reply | Promise<Reply>;

export interface VerifyingServer {
  url: string;
  requests: ReceivedRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  handler: Handler;
  close(): Promise<void>;
}

/** Percent-encodes every byte outside A-Z a-z 0-9 - _ . ~, byte by byte. */
function encode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export function verifySignature(
  method: string,
  rawUrl: string,
  headers: IncomingMessage['headers'],
  keys: Record<string, string>,
  now = Date.now(),
): string | null {
  const auth = headers['authorization'];
  if (typeof auth !== 'string') return 'no Authorization header';
  const parts = auth.split('/');
  if (parts.length !== 6 || parts[0] !== 'bce-auth-v1') return 'malformed Authorization';
  const [, accessKey, timestamp, expiration, signedList, signature] = parts as [string, string, string, string, string, string];
  const secret = keys[accessKey];
  if (!secret) return 'unknown access key';
  const signedAt = Date.parse(timestamp);
  if (Number.isNaN(signedAt) || now > signedAt + Number(expiration) * 1000 || signedAt > now + 5 * 60_000) return 'expired';
  const names = signedList.split(';').filter(Boolean);
  if (!names.includes('host')) return 'host not signed';
  const lines: string[] = [];
  for (const name of names) {
    const value = headers[name];
    if (typeof value !== 'string') return `signed header ${name} missing`;
    lines.push(`${encode(name)}:${encode(value.trim())}`);
  }
  lines.sort();
  const url = new URL(rawUrl, 'http://placeholder');
  const query = [...url.searchParams]
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .sort()
    .join('&');
  const path = url.pathname
    .split('/')
    .map((segment) => encode(decodeURIComponent(segment)))
    .join('/');
  const canonical = `${method}\n${path}\n${query}\n${lines.join('\n')}`;
  const prefix = `bce-auth-v1/${accessKey}/${timestamp}/${expiration}`;
  const key = createHmac('sha256', secret).update(prefix).digest('hex');
  const expected = createHmac('sha256', key).update(canonical).digest('hex');
  return expected === signature ? null : 'signature mismatch';
}

/**
 * A server for the test file that calls this: started before its tests, its record and handler reset
 * after each test, closed after the last. The object is filled in when the server starts.
 */
export function useVerifyingServer(keys: Record<string, string>, initial: Handler = consoleLike(() => true)): VerifyingServer {
  const server: VerifyingServer = { url: '', requests: [], connections: 0, handler: initial, close: async () => undefined };
  beforeAll(() => startVerifyingServer(keys, initial, server));
  afterEach(() => {
    server.requests.length = 0;
    server.handler = initial;
  });
  afterAll(() => server.close());
  return server;
}

export async function startVerifyingServer(
  keys: Record<string, string>,
  handler: Handler,
  state: VerifyingServer = { url: '', requests: [], connections: 0, handler, close: async () => undefined },
): Promise<VerifyingServer> {
  const requests = state.requests;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://placeholder');
      const received: ReceivedRequest = {
        method: req.method ?? '',
        rawUrl: req.url ?? '/',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        authProblem: verifySignature(req.method ?? '', req.url ?? '/', req.headers, keys),
      };
      requests.push(received);
      Promise.resolve(state.handler(received)).then(async (reply) => {
        if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        if (reply.hang) return;
        if (reply.reset) {
          req.socket.destroy();
          return;
        }
        const payload = Buffer.from(reply.raw ?? JSON.stringify(reply.body ?? {}));
        const headers = { 'content-type': 'application/json; charset=utf-8', ...reply.headers };
        if (reply.truncate) {
          res.writeHead(reply.status ?? 200, { ...headers, 'content-length': String(payload.length + 100) });
          res.write(payload, () => req.socket.destroy());
          return;
        }
        res.writeHead(reply.status ?? 200, headers);
        res.end(payload);
      });
    });
  });
  server.on('connection', () => state.connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}

/** The console's usual answer when the signature checked out, else its refusal. */
export function consoleLike(result: (request: ReceivedRequest) => unknown): Handler {
  return (request) =>
    request.authProblem
      ? {
          status: 403,
          headers: { 'x-bce-request-id': 'req-denied' },
          body: { requestId: 'req-denied', code: 'SignatureDoesNotMatch', message: request.authProblem },
        }
      : { status: 200, headers: { 'x-bce-request-id': 'req-1' }, body: { requestId: 'req-1', result: result(request) } };
}
