/**
 * A stand-in for Baidu STS (sts.bj.baidubce.com) on the emulator's port, so that a credential provider
 * can be tested offline: POST /v1/sessionToken?durationSeconds=N, or POST /v1/credential?assumeRole&
 * accountId=…&roleName=…&durationSeconds=N, signed with the emulator's long-term keys, answers
 * temporary keys and a session token; the emulator then accepts console calls signed with those keys
 * until they expire. (The token itself is not checked against the keys.)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Authenticator, splitTarget } from './auth.js';
import { ConsoleError } from './console-error.js';

const STS_PATHS: ReadonlySet<string> = new Set(['/v1/sessionToken', '/v1/credential']);
const MAX_DURATION_SECONDS = 129_600;

interface Issued {
  secretKey: string;
  expiresAt: number;
}

export class StsEmulator {
  readonly #now: () => number;
  readonly #issued = new Map<string, Issued>();
  readonly #authenticator = new Authenticator();

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Whether a request for this (decoded) path is for STS rather than the console. */
  handles(path: string): boolean {
    return STS_PATHS.has(path);
  }

  /** The secret of temporary keys this STS gave, while they last. */
  secretKeyOf(accessKey: string): string | undefined {
    const issued = this.#issued.get(accessKey);
    return issued && issued.expiresAt > this.#now() ? issued.secretKey : undefined;
  }

  /** Answers one STS call, signed with a long-term key that `secretKeyOf` knows. */
  answer(req: IncomingMessage, res: ServerResponse, longTermSecretOf: (accessKey: string) => string | undefined): void {
    const requestId = randomUUID();
    req.resume();
    try {
      if (req.method !== 'POST') throw new ConsoleError(405, 'MethodNotAllowed', `STS is called with POST, not ${req.method}`);
      this.#authenticator.authenticate({ method: req.method, rawUrl: req.url!, headers: req.headers }, longTermSecretOf, this.#now());
      const { path, query } = splitTarget(req.url!);
      const param = (name: string): string | null | undefined => query.find(([key]) => key === name)?.[1];
      const durationSeconds = Number(param('durationSeconds') ?? 43_200);
      if (!Number.isInteger(durationSeconds) || durationSeconds < 1 || durationSeconds > MAX_DURATION_SECONDS) {
        throw new ConsoleError(400, 'InvalidParameter', `durationSeconds must be a whole number from 1 to ${MAX_DURATION_SECONDS}`);
      }
      const assumeRole = path === '/v1/credential';
      if (assumeRole && (param('assumeRole') === undefined || !param('accountId') || !param('roleName'))) {
        throw new ConsoleError(400, 'InvalidParameter', '/v1/credential takes assumeRole, accountId and roleName in the query');
      }
      const now = this.#now();
      const accessKeyId = `ALTAKsts${randomBytes(8).toString('hex')}`;
      const issued = { secretKey: randomBytes(16).toString('hex'), expiresAt: now + durationSeconds * 1000 };
      this.#issued.set(accessKeyId, issued);
      reply(res, 200, requestId, {
        accessKeyId,
        secretAccessKey: issued.secretKey,
        sessionToken: randomBytes(24).toString('base64url'),
        createTime: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        expiration: new Date(issued.expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        userId: 'emulator-user',
        ...(assumeRole ? { roleId: `role-${param('roleName')}` } : {}),
      });
    } catch (error) {
      const refusal = error instanceof ConsoleError ? error : new ConsoleError(500, 'InternalError', 'the emulated STS failed');
      reply(res, refusal.status, requestId, { requestId, code: refusal.code, message: refusal.message });
    }
  }
}

function reply(res: ServerResponse, status: number, requestId: string, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), 'x-bce-request-id': requestId });
  res.end(payload);
}
