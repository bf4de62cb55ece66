/**
 * The validation option through the public API, watching what reaches the wire:
 * strict refuses every schema violation; compatible sends enum/range/length violations with a
 * warning but refuses wrong types, missing required and unknown fields; off sends the body as is.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createClient, ValidationError, type ClientOptions, type Logger } from 'qianfan-console';
import { consoleLike, useVerifyingServer } from './support/verifying-server.js';

const AK = 'ALTAKvalidation0123456';
const SK = 'validation-secret-0123456789';
const server = useVerifyingServer({ [AK]: SK }, consoleLike(() => ({ jobId: 'job-1' })));

/** A client of the loopback server that records the warnings it logs. */
function client(options: ClientOptions = {}) {
  const warnings: string[] = [];
  const logger: Logger = { debug: () => undefined, warn: (message) => warnings.push(message) };
  const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1, logger, ...options });
  return { qf, warnings };
}

/** A route typed as any string selects callAction's untyped signature: these bodies break their schemas on purpose. */
const finetuning: string = '/v2/finetuning';
type AnyBody = Record<string, unknown>;
const job: AnyBody = { name: 'faq-sft', model: 'ERNIE-Speed-8K', trainMode: 'SFT' };
const enumViolation: AnyBody = { ...job, trainMode: 'RLHF' };
const lengthViolation: AnyBody = { ...job, name: 'x' };
const rangeViolation: AnyBody = { jobId: 'job-1', maxKeys: 1000 };
const wrongType: AnyBody = { jobId: 'job-1', maxKeys: '10' };
const missingRequired: AnyBody = { name: 'faq-sft', trainMode: 'SFT' };
const unknownField: AnyBody = { ...job, modle: 'ERNIE-Speed-8K' };

async function refusal(call: Promise<unknown>): Promise<ValidationError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

function sentBodies(): unknown[] {
  return server.requests.map((r) => JSON.parse(r.body));
}

describe("validation: 'strict' (the default)", () => {
  it('refuses enum, length and range violations before sending anything', async () => {
    const { qf } = client();
    const enumError = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', enumViolation));
    expect(enumError.problems).toEqual([expect.objectContaining({ path: '$.trainMode', keyword: 'enum' })]);
    const lengthError = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', lengthViolation));
    expect(lengthError.problems).toEqual([expect.objectContaining({ path: '$.name', keyword: 'minLength' })]);
    const rangeError = await refusal(qf.callAction(finetuning, 'DescribeFineTuningTasks', rangeViolation));
    expect(rangeError.problems).toEqual([expect.objectContaining({ path: '$.maxKeys', keyword: 'maximum' })]);
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('names the alternatives of a oneOf, single fields or groups of them, and which were given', async () => {
    const { qf } = client();
    const batch: string = '/v2/batchinference';
    const noSource = (await qf.callAction(batch, 'CreateBatchInferenceTask', { name: 'b1', modelId: 'amv-1' }).catch((e: unknown) => e)) as ValidationError;
    expect(noSource).toBeInstanceOf(ValidationError);
    expect(noSource.problems.map((p) => p.message)).toContain('needs exactly one of: inputBosUri with outputBosUri; or afsConfig; got none');
    const both = (await qf.callAction(batch, 'CreateBatchInferenceTask', { name: 'b1', modelId: 'amv-1', endpoint: 'ep', inputBosUri: 'bos:/a', outputBosUri: 'bos:/b' }).catch((e: unknown) => e)) as ValidationError;
    expect(both.problems.map((p) => p.message)).toContain('needs exactly one of modelId, endpoint; got modelId and endpoint');
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('sends a body that meets its schema', async () => {
    const { qf, warnings } = client({ validation: 'strict' });
    const res = await qf.callAction(finetuning, 'CreateFineTuningJob', job);
    expect(res.result).toEqual({ jobId: 'job-1' });
    expect(sentBodies()).toEqual([job]);
    expect(warnings).toEqual([]);
    await qf.close();
  });
});

describe("validation: 'compatible'", () => {
  it('sends enum, length and range violations as given, and warns about each through the logger', async () => {
    const { qf, warnings } = client({ validation: 'compatible' });
    await qf.callAction(finetuning, 'CreateFineTuningJob', enumViolation);
    await qf.callAction(finetuning, 'CreateFineTuningJob', lengthViolation);
    await qf.callAction(finetuning, 'DescribeFineTuningTasks', rangeViolation);
    expect(sentBodies()).toEqual([enumViolation, lengthViolation, rangeViolation]);
    expect(server.requests.every((r) => r.authProblem === null)).toBe(true);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/^CreateFineTuningJob: \$\.trainMode: must be one of "SFT", "PostPretrain", "DPO", "KTO"; got "RLHF" \(sent anyway/);
    expect(warnings[1]).toMatch(/^CreateFineTuningJob: \$\.name: .*2 characters.*\(sent anyway/);
    expect(warnings[2]).toMatch(/^DescribeFineTuningTasks: \$\.maxKeys: .*100.*\(sent anyway/);
    await qf.close();
  });

  it('still refuses wrong types, missing required and unknown fields, sending nothing', async () => {
    const { qf, warnings } = client({ validation: 'compatible' });
    const typeError = await refusal(qf.callAction(finetuning, 'DescribeFineTuningTasks', wrongType));
    expect(typeError.problems).toEqual([expect.objectContaining({ path: '$.maxKeys', keyword: 'type' })]);
    const requiredError = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', missingRequired));
    expect(requiredError.problems).toEqual([expect.objectContaining({ path: '$.model', keyword: 'required' })]);
    const unknownError = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', unknownField));
    expect(unknownError.problems).toEqual([expect.objectContaining({ path: '$.modle', keyword: 'additionalProperties' })]);
    expect(unknownError.message).toContain('did you mean "model"?');
    expect(server.requests).toHaveLength(0);
    expect(warnings).toEqual([]);
    await qf.close();
  });

  it('refuses a body that breaks both kinds of rule, listing only the refusing problems', async () => {
    const { qf } = client({ validation: 'compatible' });
    const error = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', { ...enumViolation, modle: 'x' }));
    expect(error.problems.map((p) => p.keyword)).toEqual(['additionalProperties']);
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });
});

describe("validation: 'off'", () => {
  it('sends the body exactly as given, without warnings', async () => {
    const { qf, warnings } = client({ validation: 'off' });
    for (const body of [enumViolation, rangeViolation, wrongType, missingRequired, unknownField]) {
      await qf.callAction(finetuning, 'CreateFineTuningJob', body);
    }
    expect(sentBodies()).toEqual([enumViolation, rangeViolation, wrongType, missingRequired, unknownField]);
    expect(warnings).toEqual([]);
    await qf.close();
  });

  it('still refuses a body that has no JSON form', async () => {
    const { qf } = client({ validation: 'off' });
    const error = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', { ...job, size: 10n }));
    expect(error.problems).toEqual([expect.objectContaining({ path: '$.size', keyword: 'json' })]);
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });
});

describe('validation per call', () => {
  it("a call's validation option overrides the client's, both ways", async () => {
    const strict = client().qf;
    await strict.callAction(finetuning, 'CreateFineTuningJob', enumViolation, { validation: 'compatible' });
    await strict.callAction(finetuning, 'CreateFineTuningJob', unknownField, { validation: 'off' });
    expect(sentBodies()).toEqual([enumViolation, unknownField]);
    const off = client({ validation: 'off' }).qf;
    await refusal(off.callAction(finetuning, 'CreateFineTuningJob', enumViolation, { validation: 'strict' }));
    expect(server.requests).toHaveLength(2);
    await Promise.all([strict.close(), off.close()]);
  });

  it('an unknown mode is a ConfigError, for the client and for a call', async () => {
    expect(() => client({ validation: 'lenient' as never })).toThrow(ConfigError);
    const { qf } = client();
    await expect(qf.callAction(finetuning, 'CreateFineTuningJob', job, { validation: 'lenient' as never })).rejects.toBeInstanceOf(ConfigError);
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });
});
