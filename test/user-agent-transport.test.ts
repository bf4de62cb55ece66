import { describe, expect, it } from 'vitest';
import { ConfigError, createClient, UndiciTransport, type HttpRequest, type SendOptions, type Transport } from 'qianfan-console';
import { useVerifyingServer } from './support/verifying-server.js';

const AK = 'ALTAKseams000000001';
const SK = 'secret-key-of-the-seam-tests-01234';
const server = useVerifyingServer({ [AK]: SK });

describe('appId and the User-Agent', () => {
  it('appends app/<appId> from the option, or from QIANFAN_APP_ID', async () => {
    const byOption = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, appId: 'nightly-sft' });
    const byEnv = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, env: { QIANFAN_APP_ID: 'from-env.1' } });
    const plain = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, env: {} });
    for (const qf of [byOption, byEnv, plain]) await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    const agents = server.requests.map((r) => String(r.headers['user-agent']));
    expect(agents[0]).toMatch(/^qianfan-console\/\S+ node\/\S+ app\/nightly-sft$/);
    expect(agents[1]).toMatch(/ app\/from-env\.1$/);
    expect(agents[2]).toMatch(/^qianfan-console\/\S+ node\/\S+$/);
    expect(server.requests.every((r) => r.authProblem === null)).toBe(true);
    await Promise.all([byOption.close(), byEnv.close(), plain.close()]);
  });

  it('refuses an appId that cannot stand in a User-Agent', () => {
    expect(() => createClient({ appId: 'two words' })).toThrow(ConfigError);
    expect(() => createClient({ env: { QIANFAN_APP_ID: 'a/b' } })).toThrow(/QIANFAN_APP_ID must be 1 to 64 letters/);
  });
});

describe('the built-in transports are exported', () => {
  it('a custom transport can wrap UndiciTransport', async () => {
    const inner = new UndiciTransport({ maxSockets: 4, connectTimeoutMs: 5_000 });
    const sent: string[] = [];
    const counting: Transport = {
      send(request: HttpRequest, options: SendOptions) {
        sent.push(request.path);
        return inner.send(request, options);
      },
      close: () => inner.close(),
    };
    const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, transport: counting });
    const answer = await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask', { taskId: 'task-1' });
    expect(answer.requestId).toBe('req-1');
    expect(sent).toEqual(['/v2/finetuning?Action=DescribeFineTuningTask']);
    expect(server.requests[0]?.authProblem).toBeNull();
    await qf.close();
  });
});
