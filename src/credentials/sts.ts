/**
 * Temporary credentials from Baidu STS, asked for with long-term keys over a bce-auth-v1-signed call:
 * POST /v1/sessionToken?durationSeconds=N (a session token for the keys' own user), or, given an
 * accountId and roleName, POST /v1/credential?assumeRole&accountId=…&roleName=…&durationSeconds=N
 * (the role's). The answer's accessKeyId, secretAccessKey, sessionToken and expiration are the credentials.
 */
import { ConfigError } from '../errors.js';
import { formatTimestamp, sign } from '../signing/bce-auth-v1.js';
import { readCredentialsJson } from './providers.js';
import type { CredentialProvider } from './types.js';

export const DEFAULT_STS_ENDPOINT = 'https://sts.bj.baidubce.com';

export interface StsOptions {
  /** The long-term IAM keys that ask. */
  accessKey: string;
  secretKey: string;
  /** With roleName: assume this account's role. Without both: a session token for the keys' own user. */
  accountId?: string;
  roleName?: string;
  /** How long the credentials last (default 3600). */
  durationSeconds?: number;
  /** Default https://sts.bj.baidubce.com. */
  endpoint?: string;
  /** Bounds the STS call (default 10 000 ms). */
  timeoutMs?: number;
}

export function fromStsAssumeRole(options: StsOptions): CredentialProvider {
  if (!options?.accessKey || !options.secretKey)
    throw new ConfigError('fromStsAssumeRole needs the accessKey and secretKey that ask STS', { code: 'InvalidConfig' });
  if ((options.accountId === undefined) !== (options.roleName === undefined))
    throw new ConfigError('fromStsAssumeRole takes accountId and roleName together, or neither', { code: 'InvalidConfig' });
  const endpoint = new URL(options.endpoint ?? DEFAULT_STS_ENDPOINT);
  const durationSeconds = String(options.durationSeconds ?? 3600);
  const [path, query]: [string, Array<[string, string | null]>] =
    options.accountId === undefined
      ? ['/v1/sessionToken', [['durationSeconds', durationSeconds]]]
      : [
          '/v1/credential',
          [
            ['assumeRole', null],
            ['accountId', options.accountId],
            ['roleName', options.roleName!],
            ['durationSeconds', durationSeconds],
          ],
        ];
  const target = `${path}?${query.map(([k, v]) => (v === null ? k : `${k}=${encodeURIComponent(v)}`)).join('&')}`;
  return async () => {
    const timestamp = formatTimestamp(Date.now());
    const headers: Record<string, string> = { host: endpoint.host, 'content-type': 'application/json', 'x-bce-date': timestamp };
    const { authorization } = sign(
      { accessKey: options.accessKey, secretKey: options.secretKey },
      { method: 'POST', path, query, headers, timestamp, expirationSeconds: 1800, headersToSign: ['host', 'content-type', 'x-bce-date'] },
    );
    const response = await fetch(new URL(target, endpoint), {
      method: 'POST',
      // Host is set from the URL by fetch itself; it is the host signed above.
      headers: { 'content-type': headers['content-type']!, 'x-bce-date': timestamp, authorization },
      body: '',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const code = typeof json?.['code'] === 'string' ? json['code'] : `HTTP${response.status}`;
      const message = typeof json?.['message'] === 'string' ? `: ${json['message']}` : '';
      throw new Error(`STS at ${endpoint.host} refused (${response.status} ${code}${message})`);
    }
    if (!json) throw new Error(`STS at ${endpoint.host} did not answer JSON`);
    return readCredentialsJson(json, `STS at ${endpoint.host}`);
  };
}
