/**
 * Interop proof: the official Node SDK, @baiducloud/qianfan 0.2.4, calls consoleAction against the
 * emulator and is accepted. It signs on its own (content-length;content-type;host;x-bce-date, Host with
 * the port, its own canonicalisation), so acceptance shows the emulator checks what the console checks
 * rather than what our client happens to send.
 *
 * The SDK reads QIANFAN_ACCESS_KEY, QIANFAN_SECRET_KEY and QIANFAN_CONSOLE_API_BASE_URL from
 * process.env on every call (getDefaultConfig), so each test sets them before calling. Vitest runs this
 * file in a process of its own, so the variables reach no other suite.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient, startEmulator, type Emulator } from 'qianfan-console';
import { send } from './support/emulator-wire.js';

const AK = 'ALTAKinteropAccessKey';
const SK = 'interop-secret-key-0123456789abcdef';
const VARIABLES = ['QIANFAN_ACCESS_KEY', 'QIANFAN_SECRET_KEY', 'QIANFAN_CONSOLE_API_BASE_URL'] as const;
let emulator: Emulator;
let consoleAction: (args: { base_api_route: string; action?: string; data?: unknown }) => Promise<Record<string, unknown>>;

function useKeys(secretKey: string): void {
  process.env['QIANFAN_ACCESS_KEY'] = AK;
  process.env['QIANFAN_SECRET_KEY'] = secretKey;
  process.env['QIANFAN_CONSOLE_API_BASE_URL'] = emulator.url;
}

beforeAll(async () => {
  emulator = await startEmulator({ accessKey: AK, secretKey: SK });
  useKeys(SK);
  // Imported after the environment is set, in case a version caches its configuration at import.
  ({ consoleAction } = (await import('@baiducloud/qianfan')) as unknown as { consoleAction: typeof consoleAction });
});
afterEach(() => emulator.faults.clear());
afterAll(async () => {
  for (const name of VARIABLES) delete process.env[name];
  await emulator.close();
});

describe('@baiducloud/qianfan 0.2.4 consoleAction against the emulator', () => {
  it('creates a job and finds it listed — by itself and by our client', async () => {
    useKeys(SK);
    const created = await consoleAction({
      base_api_route: '/v2/finetuning',
      action: 'CreateFineTuningJob',
      data: { name: 'sdk-interop', model: 'ERNIE-Speed-8K', trainMode: 'SFT' },
    });
    const jobId = (created['result'] as { jobId: string }).jobId;
    expect(jobId).toMatch(/^job-[a-z0-9]{12}$/);
    expect(created['requestId']).toEqual(expect.any(String));

    const listed = await consoleAction({ base_api_route: 'v2/finetuning', action: 'DescribeFineTuningJobs', data: { maxKeys: 100 } });
    expect((listed['result'] as { jobList: Array<{ jobId: string; name: string }> }).jobList).toContainEqual(
      expect.objectContaining({ jobId, name: 'sdk-interop' }),
    );

    const ours = createClient({ accessKey: AK, secretKey: SK, baseUrl: emulator.url });
    try {
      const described = await ours.callAction('/v2/finetuning', 'DescribeFineTuningJobs', {});
      expect(described.result.jobList!.map((j) => j.jobId)).toContain(jobId);
    } finally {
      await ours.close();
    }
  });

  it('is refused with SignatureDoesNotMatch when its secret key is wrong', async () => {
    useKeys('not-the-secret-key');
    const error = await consoleAction({ base_api_route: '/v2/finetuning', action: 'DescribeFineTuningJobs', data: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    // The SDK reports every HTTP error as Error('Request timed out.' + status, headers and body).
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('SignatureDoesNotMatch');
    expect((error as Error).message).toContain('status = 400');
  });

  it('is refused with InvalidAccessKeyId for an access key the emulator does not know', async () => {
    useKeys(SK);
    process.env['QIANFAN_ACCESS_KEY'] = 'ALTAKsomeoneElse';
    const error = await consoleAction({ base_api_route: '/v2/finetuning', action: 'DescribeFineTuningJobs', data: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).toContain('InvalidAccessKeyId');
  });

  it('retries a legacy throttle code in a 200 body, as the SDK does, and succeeds', async () => {
    useKeys(SK);
    emulator.faults.inject('DescribeFineTuningJobs:legacy-18x1');
    const listed = await consoleAction({ base_api_route: '/v2/finetuning', action: 'DescribeFineTuningJobs', data: {} });
    expect(listed['result']).toMatchObject({ pageInfo: { isTruncated: false } });
    // The fault was spent on the SDK's first attempt: the next request is answered normally.
    expect((await send(emulator)).json).toMatchObject({ result: { jobList: expect.any(Array) } });
  });
});
