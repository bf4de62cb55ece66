/**
 * The emulator speaks the console's wire protocol: bce-auth-v1 checked the way the console checks it,
 * refusals in the console's shape, and a Date and x-bce-request-id on every answer.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, metadataOf, ServiceError, startEmulator, type Emulator } from 'qianfan-console';
import { expectDate, expectRefusal, send, signedHeaders } from './support/emulator-wire.js';

const AK = 'ALTAKprotocol';
const SK = 'protocol-secret-key-0123456789';
let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ accessKey: AK, secretKey: SK, maxBodyBytes: 64 * 1024 });
});
afterAll(() => emulator.close());

describe('authentication', () => {
  it('accepts a request signed as our client signs it, with Date and x-bce-request-id', async () => {
    const response = await send(emulator);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ requestId: response.headers['x-bce-request-id'], result: { jobList: [] } });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expectDate(response.headers);
  });

  it('answers console calls, refusals and STS with their Content-Length, not a chunked stream', async () => {
    for (const response of [await send(emulator), await send(emulator, { secretKey: 'not-the-secret' }), await send(emulator, { route: '/v1/sessionToken' })]) {
      expect(response.json).toBeDefined();
      expect(response.headers['transfer-encoding']).toBeUndefined();
      expect(response.headers['content-length']).toBe(String(Buffer.byteLength(response.text)));
    }
  });

  it('gives every answer a UUID-shaped x-bce-request-id of its own, the one the call log records', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await send(emulator)).headers['x-bce-request-id']);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(3);
    expect(emulator.calls.slice(-3).map((call) => call.requestId)).toEqual(ids);
  });

  it('refuses a request whose signed header was changed after signing: SignatureDoesNotMatch', async () => {
    const changedType = await send(emulator, { afterSigning: (h) => void (h['content-type'] = 'application/json; charset=utf-8') });
    const message = expectRefusal(changedType, 400, 'SignatureDoesNotMatch');
    expect(message).toContain('content-type;host;x-bce-date');
    const changedDate = await send(emulator, { afterSigning: (h) => void (h['x-bce-date'] = '2024-01-01T00:00:00Z') });
    expectRefusal(changedDate, 400, 'SignatureDoesNotMatch');
  });

  it('refuses a request sent to another action or path than the one signed', async () => {
    expectRefusal(await send(emulator, { sentPath: '/v2/finetuning?Action=DeleteFineTuningJob' }), 400, 'SignatureDoesNotMatch');
    expectRefusal(await send(emulator, { sentPath: '/v2/dataset?Action=DescribeFineTuningJobs' }), 400, 'SignatureDoesNotMatch');
  });

  it('refuses a wrong signature after accepting the same request rightly signed, and accepts it again after', async () => {
    // One signing second for all three, so the signed parts are byte-identical and only the signature differs.
    const signedAtMs = Date.now();
    expect((await send(emulator, { signedAtMs })).status).toBe(200);
    const flipLastDigit = (h: Record<string, string>): void => {
      const authorization = h['authorization']!;
      h['authorization'] = authorization.slice(0, -1) + (authorization.endsWith('0') ? '1' : '0');
    };
    expectRefusal(await send(emulator, { signedAtMs, afterSigning: flipLastDigit }), 400, 'SignatureDoesNotMatch');
    const otherSecret = await send(emulator, { signedAtMs, secretKey: 'not-the-secret' });
    expectRefusal(otherSecret, 400, 'SignatureDoesNotMatch');
    expect((await send(emulator, { signedAtMs })).status).toBe(200);
    expect(emulator.calls.slice(-4).map((call) => call.signature)).toEqual(['valid', 'SignatureDoesNotMatch', 'SignatureDoesNotMatch', 'valid']);
  });

  it('refuses a wrong secret key without quoting the signature', async () => {
    const response = await send(emulator, { secretKey: 'not-the-secret' });
    const message = expectRefusal(response, 400, 'SignatureDoesNotMatch');
    const signature = signedHeaders(emulator, { secretKey: 'not-the-secret' }).headers['authorization']!.split('/').pop()!;
    expect(response.text).not.toContain(signature);
    expect(response.text).not.toContain(SK);
    expect(message).toMatch(/secret key/);
  });

  it('refuses a timestamp two hours old, and one more than 15 minutes ahead: RequestExpired', async () => {
    const old = await send(emulator, { signedAtMs: Date.now() - 2 * 3600_000 });
    expect(expectRefusal(old, 400, 'RequestExpired')).toMatch(/expired/);
    const ahead = await send(emulator, { signedAtMs: Date.now() + 20 * 60_000 });
    expect(expectRefusal(ahead, 400, 'RequestExpired')).toMatch(/15 minutes/);
    expect((await send(emulator, { signedAtMs: Date.now() + 10 * 60_000 })).status).toBe(200);
  });

  it('refuses an unknown access key: 403 InvalidAccessKeyId', async () => {
    expectRefusal(await send(emulator, { accessKey: 'ALTAKnobody' }), 403, 'InvalidAccessKeyId');
  });

  it('refuses a missing or malformed Authorization: InvalidHTTPAuthHeader', async () => {
    for (const value of [
      undefined,
      'Bearer abc',
      'bce-auth-v1/AK/2024-01-01T00:00:00Z/1800/host/nothex',
      `bce-auth-v1/${AK}/yesterday/1800/host/${'0'.repeat(64)}`,
    ]) {
      const response = await send(emulator, {
        afterSigning: (h) => {
          if (value === undefined) delete h['authorization'];
          else h['authorization'] = value;
        },
      });
      expectRefusal(response, 400, 'InvalidHTTPAuthHeader');
    }
  });

  it('requires host among the signed headers', async () => {
    const response = await send(emulator, { signedHeaders: ['content-type', 'x-bce-date'] });
    expect(expectRefusal(response, 400, 'InvalidHTTPAuthHeader')).toMatch(/host/);
  });

  it('requires every signed header to be in the request', async () => {
    const response = await send(emulator, {
      signedHeaders: ['content-type', 'host', 'x-bce-date', 'x-bce-extra'],
      afterSigning: (h) => void delete h['x-bce-date'],
    });
    expect(expectRefusal(response, 400, 'SignatureDoesNotMatch')).toContain('x-bce-date');
  });

  it('accepts an empty signed-header list, meaning the default set plus every x-bce-* header', async () => {
    const defaults = ['content-length', 'content-type', 'host', 'x-bce-date'];
    const ok = await send(emulator, {
      signedHeaders: defaults,
      afterSigning: (h) => void (h['authorization'] = h['authorization']!.replace(`/${defaults.join(';')}/`, '//')),
    });
    expect(ok.status).toBe(200);
    const tampered = await send(emulator, {
      signedHeaders: defaults,
      afterSigning: (h) => {
        h['authorization'] = h['authorization']!.replace(`/${defaults.join(';')}/`, '//');
        h['x-bce-date'] = '2024-01-01T00:00:00Z';
      },
    });
    expectRefusal(tampered, 400, 'SignatureDoesNotMatch');
  });

  it('our client learns the clock offset from the Date header of a RequestExpired and succeeds', async () => {
    const ahead = await startEmulator({ accessKey: AK, secretKey: SK, now: () => Date.now() + 2 * 3600_000 });
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: ahead.url });
    try {
      const response = await qf.callAction('/v2/finetuning', 'DescribeFineTuningJobs', {});
      const metadata = metadataOf(response)!;
      expect(metadata.attempts).toBe(2);
      expect(metadata.clockOffsetMs).toBeGreaterThan(2 * 3600_000 - 60_000);
    } finally {
      await qf.close();
      await ahead.close();
    }
  });
});

describe('requests the console would refuse', () => {
  it('malformed JSON: 400 MalformedJSON', async () => {
    expectRefusal(await send(emulator, { rawBody: '{"name": ' }), 400, 'MalformedJSON');
    expectRefusal(await send(emulator, { rawBody: '[1, 2]' }), 400, 'InappropriateJSON');
  });

  it('a body the descriptor refuses: 400 InappropriateJSON naming every problem', async () => {
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: emulator.url, validation: 'off', maxAttempts: 1 });
    // A body the descriptor refuses, sent with validation off.
    const refused = { name: 'x', model: 'ERNIE-Speed-8K', trainMode: 'RLHF', colour: 'red' } as object;
    // @ts-expect-error: not a CreateFineTuningJob body, on purpose
    const error = await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', refused).catch((e: unknown) => e);
    await qf.close();
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ httpStatus: 400, code: 'InappropriateJSON', shape: 'v2' });
    const message = (error as ServiceError).message;
    for (const path of ['$.name', '$.trainMode', '$.colour']) expect(message).toContain(path);
  });

  it('an unknown action or route: 400 InvalidAction; a path outside /v2: 404; not POST: 405', async () => {
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: emulator.url, maxAttempts: 1 });
    const unknown = await qf.callAction('/v2/finetuning', 'LaunchRocket', {}).catch((e: unknown) => e);
    const unknownRoute = await qf.callAction('/v2/nowhere', 'DescribeThings', {}).catch((e: unknown) => e);
    await qf.close();
    expect(unknown).toMatchObject({ httpStatus: 400, code: 'InvalidAction' });
    expect((unknown as Error).message).toContain('LaunchRocket is not an action of /v2/finetuning');
    expect(unknownRoute).toMatchObject({ httpStatus: 400, code: 'InvalidAction' });
    expectRefusal(await send(emulator, { route: '/v1/finetuning' }), 404, 'InvalidURI');
    expectRefusal(await send(emulator, { sentPath: '/v2/finetuning' }), 400, 'InvalidAction');
    expectRefusal(await send(emulator, { method: 'PUT' }), 405, 'MethodNotAllowed');
  });

  it('a target with a malformed percent-encoding: 400 InvalidURI, and the emulator goes on answering', async () => {
    expectRefusal(await send(emulator, { sentPath: '/v2/finetuning?Action=%zz' }), 400, 'InvalidURI');
    expect((await send(emulator)).status).toBe(200);
  });
});

describe('request size', () => {
  /** Starts a request with this many body bytes written and the body left open; resolves on the answer. */
  function openEndedRequest(declaredLength: number | undefined, bytesToWrite: number): Promise<{ status: number; text: string; finishedSending: boolean }> {
    const { path, headers } = signedHeaders(emulator, { action: 'CreateFineTuningJob' });
    delete headers['content-length'];
    if (declaredLength !== undefined) headers['content-length'] = String(declaredLength);
    const url = new URL(emulator.url);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path, headers, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text, finishedSending: req.writableEnded });
          req.destroy();
        });
      });
      req.on('error', reject);
      req.write(Buffer.alloc(bytesToWrite, 'a'));
      // The body is never ended: an answer can only come from a server that did not wait for all of it.
    });
  }

  it('refuses a declared oversize body at once, before reading it', async () => {
    const answer = await openEndedRequest(50 * 1024 * 1024, 1024);
    expect(answer.status).toBe(413);
    expect(answer.finishedSending).toBe(false);
    expect(JSON.parse(answer.text)).toMatchObject({ code: 'RequestEntityTooLarge' });
  });

  it('refuses a streamed (chunked) oversize body as soon as it passes the limit', async () => {
    const answer = await openEndedRequest(undefined, 256 * 1024);
    expect(answer.status).toBe(413);
    expect(answer.finishedSending).toBe(false);
  });

  it('keeps serving after refusing', async () => {
    expect((await send(emulator)).status).toBe(200);
  });
});
