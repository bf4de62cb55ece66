import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAuthorization, sign } from 'qianfan-console';
import { canonicalQueryString, uriEncode, uriEncodeExceptSlash } from '../src/signing/bce-auth-v1.js';
import { ConsoleSigner } from '../src/signing/console-signer.js';

interface Vector {
  name: string;
  accessKey: string;
  secretKey: string;
  method: string;
  path: string;
  query: [string, string | null][];
  headers: Record<string, string>;
  timestamp: string;
  expirationSeconds: number;
  headersToSign: string[];
  signingKey?: string;
  canonicalRequest?: string;
  signature: string;
  authorization: string;
}

const file = JSON.parse(readFileSync(new URL('./fixtures/bce-auth-v1.json', import.meta.url), 'utf8')) as {
  vectors: Vector[];
  encoding: Array<{ in?: string; out?: string; query?: [string, string][]; canonicalQuery?: string; path?: string; canonicalUri?: string }>;
};

describe('bce-auth-v1 signer', () => {
  it('has vectors to check', () => {
    expect(file.vectors.length).toBeGreaterThanOrEqual(8);
  });

  for (const v of file.vectors) {
    it(`reproduces ${v.name}`, () => {
      const signed = sign(
        { accessKey: v.accessKey, secretKey: v.secretKey },
        {
          method: v.method,
          path: v.path,
          query: v.query,
          headers: v.headers,
          timestamp: v.timestamp,
          expirationSeconds: v.expirationSeconds,
          headersToSign: v.headersToSign,
        },
      );
      if (v.signingKey) expect(signed.signingKey).toBe(v.signingKey);
      if (v.canonicalRequest) expect(signed.canonicalRequest).toBe(v.canonicalRequest);
      expect(signed.signature).toBe(v.signature);
      expect(signed.authorization).toBe(v.authorization);
    });
  }

  it('encodes like the published examples', () => {
    for (const e of file.encoding) {
      if (e.in !== undefined) expect(uriEncode(e.in)).toBe(e.out);
      if (e.query) expect(canonicalQueryString(e.query)).toBe(e.canonicalQuery);
      if (e.path) expect(uriEncodeExceptSlash(e.path)).toBe(e.canonicalUri);
    }
  });

  it('signs an STS token as x-bce-security-token', () => {
    const signed = sign(
      { accessKey: 'ak', secretKey: 'sk', sessionToken: 'tok' },
      {
        method: 'POST',
        path: '/v2/finetuning',
        headers: { host: 'h', 'x-bce-date': '2024-06-01T12:00:00Z', 'x-bce-security-token': 'tok' },
        timestamp: '2024-06-01T12:00:00Z',
        expirationSeconds: 1800,
        headersToSign: ['host'],
      },
    );
    expect(signed.signedHeaders).toEqual(['host', 'x-bce-date', 'x-bce-security-token']);
  });

  it('is a pure function: the same inputs give the same signature, a changed input another', () => {
    const input = {
      method: 'POST',
      path: '/v2/x',
      query: [['Action', 'A']] as [string, string][],
      headers: { host: 'h' },
      timestamp: '2024-06-01T12:00:00Z',
      expirationSeconds: 1800,
    };
    const a = sign({ accessKey: 'ak', secretKey: 'sk' }, input);
    const b = sign({ accessKey: 'ak', secretKey: 'sk' }, input);
    const c = sign({ accessKey: 'ak', secretKey: 'sk2' }, input);
    const d = sign({ accessKey: 'ak', secretKey: 'sk' }, { ...input, timestamp: '2024-06-01T12:00:01Z' });
    expect(a.authorization).toBe(b.authorization);
    expect(c.signature).not.toBe(a.signature);
    expect(d.signature).not.toBe(a.signature);
  });

  it('parses its own Authorization header and rejects malformed ones', () => {
    const parsed = parseAuthorization(file.vectors[0]!.authorization);
    expect(parsed).toMatchObject({
      accessKey: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      expirationSeconds: 1800,
      signedHeaders: ['content-length', 'content-md5', 'content-type', 'host', 'x-bce-date'],
    });
    expect(parseAuthorization('bce-auth-v1/ak/not-a-time/1800/host/abc')).toBeNull();
    expect(parseAuthorization('Bearer abc')).toBeNull();
  });
});

describe('the console signer', () => {
  const credentials = { accessKey: 'ALTAKsigner', secretKey: 'signer-secret', sessionToken: 'sts-token' };
  const fresh = (path: string, action: string, timestamp: string) =>
    sign(credentials, {
      method: 'POST',
      path,
      query: [['Action', action]],
      headers: { host: 'qianfan.baidubce.com', 'content-type': 'application/json', 'x-bce-date': timestamp, 'x-bce-security-token': 'sts-token' },
      timestamp,
      expirationSeconds: 1800,
      headersToSign: ['content-type', 'host', 'x-bce-date'],
    }).authorization;

  it('gives byte for byte the Authorization of a fresh signature, within a second, across seconds and across actions', () => {
    const signer = new ConsoleSigner(credentials, 'qianfan.baidubce.com', 1800, { 'user-agent': 'test-agent' });
    const t0 = Date.parse('2024-06-01T12:00:00.100Z');
    const readings: Array<[string, string, number]> = [
      ['/v2/finetuning', 'DescribeFineTuningTask', t0],
      ['/v2/finetuning', 'DescribeFineTuningTask', t0 + 500],
      ['/v2/finetuning', 'StopFineTuningTask', t0 + 600],
      ['/v2/finetuning', 'DescribeFineTuningTask', t0 + 950],
      ['/v2/finetuning', 'DescribeFineTuningTask', t0 + 1_000],
      ['/v2/dataset', 'DescribeFineTuningTask', t0 + 1_001],
      ['/v2/finetuning', 'DescribeFineTuningTask', t0 + 3_600_000],
    ];
    for (const [path, action, at] of readings) {
      const { 'x-bce-date': timestamp, authorization } = signer.headersAt(path, action, at);
      expect(timestamp).toBe(new Date(at).toISOString().slice(0, 19) + 'Z');
      expect(authorization).toBe(fresh(path, action, timestamp));
    }
  });

  it('gives every header a request carries, frozen, because calls within the second share them', () => {
    const signer = new ConsoleSigner(credentials, 'qianfan.baidubce.com', 1800, { 'user-agent': 'test-agent' });
    const headers = signer.headersAt('/v2/finetuning', 'DescribeFineTuningTask', Date.parse('2024-06-01T12:00:00Z'));
    expect(Object.keys(headers).sort()).toEqual(['authorization', 'content-type', 'host', 'user-agent', 'x-bce-date', 'x-bce-security-token']);
    expect(headers).toMatchObject({
      host: 'qianfan.baidubce.com',
      'content-type': 'application/json',
      'x-bce-security-token': 'sts-token',
      'user-agent': 'test-agent',
    });
    expect(Object.isFrozen(headers)).toBe(true);
  });
});
