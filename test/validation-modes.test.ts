/**
 * The validation option through the public API, watching what reaches the wire:
 * compatible (the default) refuses wrong types, missing required and misspelt fields, and sends
 * anything else the schema does not allow with one warning per action and field; strict refuses every
 * schema violation; off sends the body as is. Results are advisory whatever the mode.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, createClient, ValidationError, type ClientOptions, type Logger } from 'qianfan-console';
import { consoleLike, useVerifyingServer } from './support/verifying-server.js';

const AK = 'ALTAKvalidation0123456';
const SK = 'validation-secret-0123456789';
const server = useVerifyingServer(
  { [AK]: SK },
  consoleLike(() => ({ jobId: 'job-1' })),
);

/** A client of the loopback server that records the warnings it logs. */
function client(options: ClientOptions = {}) {
  const warnings: string[] = [];
  const debugLines: string[] = [];
  const logger: Logger = { debug: (message) => debugLines.push(message), warn: (message) => warnings.push(message) };
  const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1, logger, ...options });
  return { qf, warnings, debugLines };
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
const unrelatedField: AnyBody = { ...job, vendorTrace: 'abc' };

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

describe("validation: 'strict'", () => {
  it('refuses enum, length and range violations before sending anything', async () => {
    const { qf } = client({ validation: 'strict' });
    const enumError = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', enumViolation));
    expect(enumError.problems).toEqual([expect.objectContaining({ path: '$.trainMode', keyword: 'enum' })]);
    const lengthError = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', lengthViolation));
    expect(lengthError.problems).toEqual([expect.objectContaining({ path: '$.name', keyword: 'minLength' })]);
    const rangeError = await refusal(qf.callAction(finetuning, 'DescribeFineTuningTasks', rangeViolation));
    expect(rangeError.problems).toEqual([expect.objectContaining({ path: '$.maxKeys', keyword: 'maximum' })]);
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('refuses an unknown field that resembles no known one', async () => {
    const { qf } = client({ validation: 'strict' });
    const error = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', unrelatedField));
    expect(error.problems).toEqual([expect.objectContaining({ path: '$.vendorTrace', keyword: 'additionalProperties' })]);
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('names the alternatives of a oneOf, single fields or groups of them, and which were given', async () => {
    const { qf } = client({ validation: 'strict' });
    const batch: string = '/v2/batchinference';
    const noSource = (await qf.callAction(batch, 'CreateBatchInferenceTask', { name: 'b1', modelId: 'amv-1' }).catch((e: unknown) => e)) as ValidationError;
    expect(noSource).toBeInstanceOf(ValidationError);
    expect(noSource.problems.map((p) => p.message)).toContain('needs exactly one of: inputBosUri with outputBosUri; or afsConfig; got none');
    const both = (await qf
      .callAction(batch, 'CreateBatchInferenceTask', { name: 'b1', modelId: 'amv-1', endpoint: 'ep', inputBosUri: 'bos:/a', outputBosUri: 'bos:/b' })
      .catch((e: unknown) => e)) as ValidationError;
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

describe("validation: 'compatible' (the default)", () => {
  it('sends enum, length and range violations as given, and warns about each through the logger', async () => {
    const { qf, warnings } = client();
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

  it('sends an unknown field like no known one and an out-of-enum value, warning once per field however many calls', async () => {
    const { qf, warnings } = client();
    for (let i = 0; i < 3; i++) await qf.callAction(finetuning, 'CreateFineTuningJob', unrelatedField);
    for (let i = 0; i < 3; i++) await qf.callAction(finetuning, 'CreateFineTuningJob', enumViolation);
    expect(sentBodies()).toEqual([unrelatedField, unrelatedField, unrelatedField, enumViolation, enumViolation, enumViolation]);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^CreateFineTuningJob: \$\.vendorTrace: is not a known field\. Known fields: .*\(sent anyway/);
    expect(warnings[1]).toMatch(/^CreateFineTuningJob: \$\.trainMode: must be one of/);
    // Another client has its own memory: the warning is once per client, not once per process.
    const other = client();
    await other.qf.callAction(finetuning, 'CreateFineTuningJob', unrelatedField);
    expect(other.warnings).toHaveLength(1);
    await Promise.all([qf.close(), other.qf.close()]);
  });

  it('refuses wrong types, missing required fields and likely misspellings, sending nothing', async () => {
    const { qf, warnings } = client();
    const typeError = await refusal(qf.callAction(finetuning, 'DescribeFineTuningTasks', wrongType));
    expect(typeError.problems).toEqual([expect.objectContaining({ path: '$.maxKeys', keyword: 'type' })]);
    const requiredError = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', missingRequired));
    expect(requiredError.problems).toEqual([expect.objectContaining({ path: '$.model', keyword: 'required' })]);
    const unknownError = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', unknownField));
    expect(unknownError.problems).toEqual([expect.objectContaining({ path: '$.modle', keyword: 'additionalProperties' })]);
    expect(unknownError.message).toContain('did you mean "model"?');
    const caseError = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', { name: 'faq-sft', model: 'ERNIE-Speed-8K', trainmode: 'SFT' }));
    expect(caseError.message).toContain('$.trainmode: is not a known field; did you mean "trainMode"?');
    const taskError = await refusal(qf.callAction(finetuning, 'DescribeFineTuningTask', { taskid: 'task-1' }));
    expect(taskError.problems.map((p) => p.path).sort()).toEqual(['$.taskId', '$.taskid']);
    expect(server.requests).toHaveLength(0);
    expect(warnings).toEqual([]);
    await qf.close();
  });

  it('refuses a body that breaks both kinds of rule, listing only the refusing problems', async () => {
    const { qf } = client();
    const error = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', { ...enumViolation, modle: 'x' }));
    expect(error.problems.map((p) => p.keyword)).toEqual(['additionalProperties']);
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });
});

describe('results are advisory', () => {
  it('a result that does not match its schema is returned, and logged (debug) once per action', async () => {
    server.handler = consoleLike(() => ({ jobId: 42 }));
    const { qf, debugLines } = client();
    for (let i = 0; i < 3; i++) expect((await qf.callAction(finetuning, 'CreateFineTuningJob', job)).result).toEqual({ jobId: 42 });
    const drift = debugLines.filter((line) => line.includes('does not match the catalogue'));
    expect(drift).toHaveLength(1);
    expect(drift[0]).toMatch(/^CreateFineTuningJob: .*\$\.jobId: must be a string, got an integer 42/);
    await qf.close();
  });

  it('a matching result logs nothing of the kind', async () => {
    const { qf, debugLines } = client();
    await qf.callAction(finetuning, 'CreateFineTuningJob', job);
    expect(debugLines.filter((line) => line.includes('result'))).toEqual([]);
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

  it('still refuses a body that has no JSON form, naming where', async () => {
    const { qf } = client({ validation: 'off' });
    const error = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', { ...job, size: 10n }));
    expect(error.problems).toEqual([expect.objectContaining({ path: '$.size', keyword: 'json' })]);
    const loop: AnyBody = { name: 'x', inner: [{}] };
    (loop['inner'] as AnyBody[])[0]!['back'] = loop;
    const cycle = await refusal(qf.callAction(finetuning, 'CreateFineTuningJob', loop));
    expect(cycle.problems).toEqual([expect.objectContaining({ path: '$.inner[0].back', message: expect.stringContaining('circular') })]);
    expect(server.requests).toHaveLength(0);
    await qf.close();
  });

  it('skips the walk over the body: what JSON can write lossily is sent as JSON.stringify writes it', async () => {
    const { qf } = client({ validation: 'off' });
    await qf.callAction(finetuning, 'CreateFineTuningJob', { ...job, ratio: Number.NaN });
    expect(server.requests.map((r) => r.body)).toEqual([JSON.stringify({ ...job, ratio: null })]);
    await qf.close();
  });
});

describe('validation per call', () => {
  it("a call's validation option overrides the client's, both ways", async () => {
    const strict = client({ validation: 'strict' }).qf;
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
