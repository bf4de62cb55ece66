import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  chain,
  ConfigError,
  createClient,
  fromEnv,
  fromProcess,
  fromProfile,
  fromStsAssumeRole,
  profileNames,
  writeProfile,
  startEmulator,
  type Emulator,
  type ProvidedCredentials,
} from 'qianfan-console';
import { useVerifyingServer } from './support/verifying-server.js';

const KEYS = { ALTAKfirst000000001: 'first-secret-0123456789', ALTAKsecond00000002: 'second-secret-0123456789' };
const server = useVerifyingServer(KEYS);
const MINUTE = 60_000;

function accessKeyOf(index: number): string | undefined {
  return String(server.requests[index]?.headers['authorization']).split('/')[1];
}

afterEach(() => {
  vi.useRealTimers();
});

describe('credentials: a provider', () => {
  it('is asked again shortly before its keys expire, and later calls are signed with the new keys; not while they are valid', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T10:00:00Z'));
    const given: ProvidedCredentials[] = [
      { accessKey: 'ALTAKfirst000000001', secretKey: KEYS.ALTAKfirst000000001, expiresAt: new Date('2026-12-01T11:00:00Z') },
      { accessKey: 'ALTAKsecond00000002', secretKey: KEYS.ALTAKsecond00000002, expiresAt: new Date('2026-12-01T12:00:00Z') },
    ];
    const provider = vi.fn(async () => given.shift()!);
    const qf = createClient({ credentials: provider, baseUrl: server.url, maxAttempts: 1 });
    const call = () => qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    await call();
    vi.setSystemTime(Date.now() + 50 * MINUTE); // 10:50, ten minutes before expiry
    await call();
    expect(provider).toHaveBeenCalledTimes(1);
    vi.setSystemTime(Date.now() + 6 * MINUTE); // 10:56, inside the last five minutes
    await call();
    await call();
    expect(provider).toHaveBeenCalledTimes(2);
    expect(server.requests.map((r) => r.authProblem)).toEqual([null, null, null, null]);
    expect([0, 1, 2, 3].map(accessKeyOf)).toEqual(['ALTAKfirst000000001', 'ALTAKfirst000000001', 'ALTAKsecond00000002', 'ALTAKsecond00000002']);
    await qf.close();
  });

  it('is asked once for ten concurrent calls', async () => {
    let release!: () => void;
    const provider = vi.fn(
      () => new Promise<ProvidedCredentials>((resolve) => (release = () => resolve({ accessKey: 'ALTAKfirst000000001', secretKey: KEYS.ALTAKfirst000000001 }))),
    );
    const qf = createClient({ credentials: provider, baseUrl: server.url, maxAttempts: 1 });
    const calls = Array.from({ length: 10 }, () => qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' }));
    await vi.waitFor(() => expect(provider).toHaveBeenCalled());
    release();
    await Promise.all(calls);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(server.requests).toHaveLength(10);
    expect(server.requests.every((r) => r.authProblem === null)).toBe(true);
    await qf.close();
  });

  it("that fails gives a ConfigError with the provider's message, never a secret, and sends nothing", async () => {
    const qf = createClient({ credentials: async () => Promise.reject(new Error('vault sealed')), baseUrl: server.url, maxAttempts: 1 });
    const error = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ code: 'CredentialsProviderFailed', message: 'the credentials provider failed: vault sealed' });
    const incomplete = createClient({ credentials: async () => ({ accessKey: 'ALTAKfirst000000001' }) as ProvidedCredentials, baseUrl: server.url });
    await expect(incomplete.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' })).rejects.toThrow(
      'the credentials provider gave no secretKey',
    );
    expect(server.requests).toHaveLength(0);
    await Promise.all([qf.close(), incomplete.close()]);
  });

  it('fixed credentials are not completed from the environment, and say which key is missing', async () => {
    const qf = createClient({ credentials: { accessKey: 'ALTAKfirst000000001' }, env: { QIANFAN_SECRET_KEY: 'from-the-environment' }, baseUrl: server.url });
    await expect(qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' })).rejects.toMatchObject({
      code: 'MissingCredentials',
      message: expect.stringContaining('secretKey in the credentials option'),
    });
    expect(() => createClient({ credentials: { accessKey: 'a', secretKey: 'b' }, accessKey: 'c' })).toThrow(/either the credentials option or accessKey/);
    await qf.close();
  });
});

describe('credentials: built-in providers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qianfan-credentials-'));
  const profileFile = join(dir, 'config');
  writeFileSync(profileFile, '[ci]\naccess_key = ALTAKsecond00000002\nsecret_key = second-secret-0123456789\n');
  chmodSync(profileFile, 0o600);

  it('a chain takes the first provider that answers: here the profile, the environment having no keys', async () => {
    const provider = chain(fromEnv({}), fromProfile({ profile: 'ci', env: { QIANFAN_CONFIG_FILE: profileFile } }));
    expect(await provider()).toEqual({ accessKey: 'ALTAKsecond00000002', secretKey: 'second-secret-0123456789' });
    await expect(chain(fromEnv({}), fromProfile({ profile: 'nope', env: { QIANFAN_CONFIG_FILE: profileFile } }))()).rejects.toThrow(
      /QIANFAN_ACCESS_KEY and QIANFAN_SECRET_KEY are not set; no profile \[nope\]/,
    );
  });

  it("fromProfile finds ~/.qianfan/config under the given environment's HOME", async () => {
    const home = mkdtempSync(join(tmpdir(), 'qianfan-home-'));
    mkdirSync(join(home, '.qianfan'));
    writeFileSync(join(home, '.qianfan', 'config'), '[default]\naccess_key = ALTAKfirst000000001\nsecret_key = first-secret-0123456789\n', { mode: 0o600 });
    expect(await fromProfile({ env: { HOME: home } })()).toEqual({ accessKey: 'ALTAKfirst000000001', secretKey: 'first-secret-0123456789' });
  });

  it('fromProcess reads the JSON a command prints, and its keys sign calls', async () => {
    const json = JSON.stringify({ accessKeyId: 'ALTAKfirst000000001', secretAccessKey: KEYS.ALTAKfirst000000001, expiration: '2099-01-01T00:00:00Z' });
    const provider = fromProcess(`${JSON.stringify(process.execPath)} -e ${JSON.stringify(`process.stdout.write(${JSON.stringify(json)})`)}`);
    const qf = createClient({ credentials: provider, baseUrl: server.url, maxAttempts: 1 });
    await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    expect(server.requests[0]?.authProblem).toBeNull();
    expect(accessKeyOf(0)).toBe('ALTAKfirst000000001');
    await qf.close();
    await expect(fromProcess(`${JSON.stringify(process.execPath)} -e "process.stdout.write('secret-ish output')"`)()).rejects.toThrow(
      /^the credential command did not print JSON$/,
    );
    await expect(fromProcess(`${JSON.stringify(process.execPath)} -e "console.error('no session'); process.exit(3)"`)()).rejects.toThrow(
      'the credential command exited with 3: no session',
    );
  });
});

describe('the profile file: writeProfile and profileNames', () => {
  it('sets keys of one profile in place, keeps comments, other profiles and lines it does not know, mode 0600', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'qianfan-profile-')), 'config');
    const before = [
      '# access_key = a comment, not a setting',
      '[default]',
      'access_key = ALTAKold',
      'region = bj # a key the reader ignores',
      '',
      '[profile staging]',
      'access_key = ALTAKstaging',
      'secret_key = staging-secret',
      'a line the reader would refuse',
    ];
    writeFileSync(file, `${before.join('\n')}\n`, { mode: 0o644 });
    writeProfile(file, 'default', { access_key: 'ALTAKnew', secret_key: 'new-secret' });
    writeProfile(file, 'ci', { access_key: 'ALTAKci' });
    expect(readFileSync(file, 'utf8').split('\n')).toEqual([
      '# access_key = a comment, not a setting',
      '[default]',
      'access_key = ALTAKnew',
      'region = bj # a key the reader ignores',
      'secret_key = new-secret',
      '',
      '[profile staging]',
      'access_key = ALTAKstaging',
      'secret_key = staging-secret',
      'a line the reader would refuse',
      '',
      '[ci]',
      'access_key = ALTAKci',
      '',
    ]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(profileNames(file)).toEqual(['default', 'staging', 'ci']);
    expect(profileNames(`${file}.missing`)).toEqual([]);
  });
});

describe('credentials: fromStsAssumeRole against the emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ speed: 100, env: {} });
  });
  afterAll(() => emulator.close());

  it('asks STS for a session token, and the console accepts calls signed with the temporary keys', async () => {
    const provider = fromStsAssumeRole({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, endpoint: emulator.url, durationSeconds: 900 });
    const credentials = await provider();
    expect(credentials.accessKey).toMatch(/^ALTAKsts/);
    expect(credentials.sessionToken).toBeTruthy();
    expect(credentials.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 800_000);
    const qf = createClient({ credentials: provider, baseUrl: emulator.url });
    const job = await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'sts-job', model: 'ERNIE-Speed-8K', trainMode: 'SFT' });
    expect(job.result.jobId).toMatch(/^job-/);
    await qf.close();
  });

  it('assumes a role with accountId and roleName; wrong long-term keys are refused with STS code, no secret', async () => {
    const role = fromStsAssumeRole({
      accessKey: emulator.accessKey,
      secretKey: emulator.secretKey,
      endpoint: emulator.url,
      accountId: 'acc-1',
      roleName: 'trainer',
    });
    expect((await role()).accessKey).toMatch(/^ALTAKsts/);
    const wrong = fromStsAssumeRole({ accessKey: emulator.accessKey, secretKey: 'not-the-secret-key-0000', endpoint: emulator.url });
    const qf = createClient({ credentials: wrong, baseUrl: emulator.url });
    const error = await qf.callAction('/v2/finetuning', 'DescribeFineTuningJobs', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/STS at 127\.0\.0\.1:\d+ refused \(400 SignatureDoesNotMatch/);
    expect((error as Error).message).not.toContain('not-the-secret-key-0000');
    await qf.close();
  });
});
