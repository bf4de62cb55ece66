/**
 * Hostile servers on loopback, through both transports: a gateway that echoes the signed request's
 * headers in its error, a Date header from another millennium, a body that trickles in a byte at a
 * time, a redirect to another host, a megabyte of error text. Nothing secret may come out, nothing may
 * hang, nothing may be followed, and nothing may be echoed whole.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, createClient, QianfanError, ServiceError, TimeoutError, ValidationError, type Logger, type RetryPolicy } from 'qianfan-console';
import type { QianfanClient as ClientWithInternals } from '../src/client/client.js';
import { runCli } from './support/cli-run.js';
import { useVerifyingServer, verifySignature, type ReceivedRequest, type Reply } from './support/verifying-server.js';

const AK = 'ALTAKhardening0123';
const SK = 'hardening-secret-key-0123456789';
// Characters that URL-encoding changes, so that an encoded echo is tried too.
const TOKEN = 'sts-token/Zm9vYmFy+c2Vzc2lvbg==';
const server = useVerifyingServer({ [AK]: SK });

/** The shipped policy's classes with waits short enough for tests. */
const FAST: RetryPolicy = {
  maxAttempts: 3,
  backoff: { baseMs: 5, throttleBaseMs: 5, capMs: 20 },
  retryAfter: { maxMs: 2_000 },
  throttle: { httpStatus: [429], codes: ['RequestLimitExceeded'] },
  transient: { httpStatus: [500, 502, 503, 504], codes: ['InternalError'] },
  clockSkew: { codes: ['RequestExpired'] },
  network: { notSent: ['ECONNREFUSED', 'ConnectionWaitTimeout'], ambiguous: ['ECONNRESET', 'RequestTimeout', 'TruncatedResponse'] },
};

/** Everything secret about one received request: what a gateway could echo. */
function secretsOf(request: ReceivedRequest): string[] {
  const authorization = String(request.headers['authorization']);
  const prefix = authorization.split('/').slice(0, 4).join('/');
  const signingKey = createHmac('sha256', SK).update(prefix).digest('hex');
  return [SK, TOKEN, encodeURIComponent(TOKEN), authorization, authorization.slice(-64), signingKey];
}

/** A gateway's complaint quoting, first thing, the request's signature, token (encoded), signing key, secret key, Authorization and headers. */
function echo(request: ReceivedRequest): string {
  const [, , encodedToken, authorization, signature, signingKey] = secretsOf(request);
  return `gateway rejected signature ${signature} (token ${encodedToken}, signing key ${signingKey}, secret ${SK}, Authorization ${authorization}) headers ${JSON.stringify(request.headers)}`;
}

/** Every way an error can be shown. */
function everyRendering(error: QianfanError): string {
  return [error.message, error.stack, JSON.stringify(error), inspect(error), error.code, error.requestId].join('\n');
}

function recorder(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { lines, logger: { debug: (m) => lines.push(m), warn: (m) => lines.push(`warning: ${m}`) } };
}

/** A loopback server of the test's own, recording what reaches it. */
async function startServer(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const http = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    req.resume();
    handle(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

const SUCCESS = JSON.stringify({ requestId: 'r-drip', result: true });

/** Answers 200 at once, then its body one byte every 100 ms: a valid answer, were it waited for. */
function drip(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(SUCCESS.length) });
  let sent = 0;
  const timer = setInterval(() => {
    if (sent < SUCCESS.length) res.write(SUCCESS[sent++]);
    else {
      clearInterval(timer);
      res.end();
    }
  }, 100);
  res.on('close', () => clearInterval(timer));
}

describe.each(['undici', 'fetch'] as const)('hostile servers, %s transport', (transport) => {
  const client = (extra: Parameters<typeof createClient>[0] = {}) =>
    createClient({ accessKey: AK, secretKey: SK, sessionToken: TOKEN, baseUrl: server.url, transport, retryPolicy: FAST, maxAttempts: 1, ...extra });
  const describeTask = async (qf: ReturnType<typeof client>) =>
    (await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' }).catch((e: unknown) => e)) as QianfanError;

  const echoes: Record<string, (request: ReceivedRequest) => Reply> = {
    'a V2 error message': (r) => ({ status: 400, body: { requestId: 'r1', code: 'InvalidHTTPRequest', message: echo(r) } }),
    'a V2 code and requestId': (r) => ({
      status: 403,
      body: { requestId: String(r.headers['authorization']), code: String(r.headers['authorization']), message: 'denied' },
    }),
    'an HTML error page': (r) => ({ status: 502, raw: `<html><body><h1>502 Bad Gateway</h1><pre>${echo(r)}</pre></body></html>` }),
    'a legacy error_msg': (r) => ({ status: 200, body: { error_code: 110, error_msg: echo(r) } }),
    'a non-JSON 200 body': (r) => ({ status: 200, raw: echo(r) }),
    'an IAM error header': (r) => ({ status: 401, headers: { 'x-bce-error-code': 'AccessDenied', 'x-bce-error-message': echo(r) }, body: {} }),
  };

  it.each(Object.keys(echoes))('a server echoing the signed headers in %s: no secret in the error message, stack, JSON or inspection', async (shape) => {
    server.handler = echoes[shape]!;
    const qf = client();
    const error = await describeTask(qf);
    expect(error).toBeInstanceOf(QianfanError);
    const shown = everyRendering(error);
    for (const secret of secretsOf(server.requests[0]!)) expect(shown).not.toContain(secret);
    // What is not secret still tells what happened.
    if (shape !== 'a V2 code and requestId') expect(shown).toContain('gateway rejected signature');
    await qf.close();
  });

  it('debug lines and warnings carry no signature even when the server puts the Authorization in its error code', async () => {
    server.handler = (r) => ({ status: 403, body: { requestId: 'r', code: String(r.headers['authorization']), message: echo(r) } });
    const { logger, lines } = recorder();
    const qf = client({ logger });
    await describeTask(qf);
    expect(lines.join('\n')).toContain('✗ 403 DescribeFineTuningTask');
    for (const secret of secretsOf(server.requests[0]!)) expect(lines.join('\n')).not.toContain(secret);
    await qf.close();
  });

  it.each([
    ['a far-future Date', 'Fri, 31 Dec 9999 23:59:59 GMT'],
    ['the last Date a Date can hold', 'Sat, 13 Sep 275760 00:00:00 GMT'],
    ['a Date a day and an hour ahead', 'soon'],
    ['an unparsable Date', 'half past never'],
  ])('RequestExpired with %s: the offset is not adopted, a warning says why, later calls sign with the local clock', async (_, given) => {
    const date = given === 'soon' ? new Date(Date.now() + 25 * 3600_000).toUTCString() : given;
    server.handler = () => ({ status: 400, headers: { date }, body: { requestId: 'rx', code: 'RequestExpired', message: 'timestamp out of range' } });
    const { logger, lines } = recorder();
    const qf = client({ logger });
    const error = await describeTask(qf);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error.code).toBe('RequestExpired');
    expect(qf.clockOffsetMs).toBe(0);
    expect(lines.find((l) => l.startsWith('warning:'))).toContain(`its Date header "${date}"`);
    // Re-signed once with the local clock, as when the header is missing.
    expect(server.requests).toHaveLength(2);
    server.handler = (r) => ({ status: 200, body: { requestId: 'r', result: r.authProblem ?? 'signed now' } });
    expect((await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' })).result).toBe('signed now');
    await qf.close();
  });

  it('a body that trickles in a byte every 100 ms is ended by timeoutMs, which bounds the whole attempt', async () => {
    const dripping = await startServer(drip);
    const qf = client({ baseUrl: dripping.url, timeoutMs: 300 });
    const error = await describeTask(qf);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.code).toBe('RequestTimeout');
    await qf.close();
    await dripping.close();
  });

  it.each([301, 302, 303, 307, 308])('a %i answer with a JSON success body is a ServiceError, and the redirect is not followed', async (status) => {
    const elsewhere = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(SUCCESS));
    server.handler = () => ({
      status,
      headers: { location: `${elsewhere.url}/v2/finetuning?Action=DescribeFineTuningTask` },
      body: { requestId: 'r3xx', result: true },
    });
    const qf = client({ maxAttempts: 3 });
    const error = await describeTask(qf);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ httpStatus: status, code: `HTTP${status}` });
    expect(error.message).toContain(`redirect to ${elsewhere.url}`);
    expect(server.requests).toHaveLength(1);
    expect(elsewhere.hits).toEqual([]);
    await qf.close();
    await elsewhere.close();
  });

  it.each<[string, Reply]>([
    ['a V2 message', { status: 400, body: { requestId: 'r', code: 'InvalidParameter', message: 'x'.repeat(1_000_000) } }],
    ['a V2 code and requestId', { status: 400, body: { requestId: 'q'.repeat(100_000), code: 'K'.repeat(100_000), message: 'm' } }],
    ['a legacy error_msg', { status: 200, body: { error_code: 110, error_msg: 'x'.repeat(1_000_000) } }],
    ['an error page', { status: 502, raw: `<p>${'x'.repeat(1_000_000)}</p>` }],
  ])('a megabyte of server text in %s is quoted in part', async (_, reply) => {
    server.handler = () => reply;
    const qf = client();
    const error = await describeTask(qf);
    expect(error).toBeInstanceOf(QianfanError);
    expect(error.message).toMatch(/more characters\)/);
    expect(JSON.stringify(error).length).toBeLessThan(2_000);
    await qf.close();
  });
});

describe('the client', () => {
  it('a megabyte route or action name is quoted in part', async () => {
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url });
    for (const [route, action] of [
      [`/v2/${'a'.repeat(1_000_000)}-`, 'DescribeX'],
      ['/v2/finetuning', `Describe${'x'.repeat(1_000_000)}-`],
    ] as const) {
      const error = (await qf.callAction(route, action, {}).catch((e: unknown) => e)) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(JSON.stringify(error).length).toBeLessThan(3_000);
      expect(error.message.length).toBeLessThan(2_000);
    }
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('refuses to sign at a clock reading that is not a time, with a typed error', () => {
    // The signer's clock is internal: reached through the client's @internal members.
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url }) as unknown as ClientWithInternals;
    const prepared = qf.prepare('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 't' });
    for (const reading of [Number.NaN, 9e15, Infinity]) {
      expect(() => qf.signRequest(prepared, reading)).toThrow(ConfigError);
      expect(() => qf.signRequest(prepared, reading)).toThrow(/not a time/);
    }
    expect(verifySignature('POST', prepared.action.target, { ...qf.signRequest(prepared).headers }, { [AK]: SK })).toBeNull();
  });
});

describe('the command line', () => {
  let hanging: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    hanging = await startServer(() => undefined);
  });
  afterAll(() => hanging.close());

  it('prints a failure without the signature, signing key or token a gateway echoed', async () => {
    server.handler = (r) => ({ status: 400, body: { requestId: 'r', code: 'InvalidHTTPRequest', message: echo(r) } });
    const run = await runCli(['call', 'finetuning', 'DescribeFineTuningTask', '--taskId', 't', '--max-attempts', '1'], {
      env: { QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK, QIANFAN_SESSION_TOKEN: TOKEN, QIANFAN_CONSOLE_API_BASE_URL: server.url },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('gateway rejected signature');
    for (const secret of secretsOf(server.requests[0]!)) {
      expect(run.stderr).not.toContain(secret);
      expect(run.stdout).not.toContain(secret);
    }
  });

  it('--deadline-ms ends a call that gets no answer, however long its attempts may last', async () => {
    const run = await runCli(['call', 'finetuning', 'DescribeFineTuningTask', '--taskId', 't', '--deadline-ms', '300'], {
      env: { QIANFAN_ACCESS_KEY: AK, QIANFAN_SECRET_KEY: SK, QIANFAN_CONSOLE_API_BASE_URL: hanging.url },
    });
    expect(run.stderr).toContain('DeadlineExceeded');
    expect(run.code).toBe(3);
  });
});
