/**
 * Our client calls every action in actions/finetuning against the emulator, and every answer is a
 * valid `result` by the action's own result schema. A new descriptor in that directory fails this
 * test until the walk below calls it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { expect, it } from 'vitest';
import { useEmulatorClient } from './support/emulator-client.js';

const DIR = fileURLToPath(new URL('../actions/finetuning/', import.meta.url));
const ajv = new Ajv({ strict: false, allErrors: true });
const called = new Set<string>();
const fixture = useEmulatorClient();

/** Calls the action and checks its result against the descriptor's result schema. */
async function call(action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const descriptor = YAML.parse(readFileSync(`${DIR}${action}.yaml`, 'utf8')) as { result: object };
  const { result } = await fixture.qf.callAction('/v2/finetuning', action, body);
  const validate = ajv.compile(descriptor.result);
  expect(validate(result), `${action}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  called.add(action);
  return result as Record<string, unknown>;
}

it('answers every finetuning action with a valid result, each reflecting the others', async () => {
  const models = (await call('DescribeFineTuningSupportModels', {})) as unknown as Array<{ model: string }>;
  const { jobId } = await call('CreateFineTuningJob', { name: 'faq-sft', model: models[0]!.model, trainMode: 'SFT', parameterScale: 'LoRA' });
  expect((await call('DescribeFineTuningJobs', { trainMode: 'SFT', maxKeys: 100 }))['jobList']).toEqual([
    expect.objectContaining({ jobId, model: 'ERNIE-Speed-8K' }),
  ]);

  const training = {
    jobId,
    hyperParameterConfig: { epoch: 1 },
    datasetConfig: { sourceType: 'Bos', versions: [{ versionBosUri: 'bos:/bucket/data/' }], splitRatio: 10 },
  };
  const created = await call('CreateFineTuningTask', training);
  expect(created).toEqual({ jobId, taskId: expect.stringMatching(/^task-[a-z0-9]{12}$/) });
  const taskId = created['taskId'] as string;
  expect(await call('DescribeFineTuningTask', { taskId })).toMatchObject({ taskId, jobId, parameterScale: 'LoRA', runStatus: 'Waiting' });
  fixture.advance(65_000);
  expect(await call('DescribeFineTuningTask', { taskId })).toMatchObject({ runStatus: 'Done', checkpoints: [{ step: 100 }, { step: 200 }] });

  const second = (await call('CreateFineTuningTask', training))['taskId'] as string;
  expect(await call('StopFineTuningTask', { taskId: second })).toBe(true);
  const tasks = await call('DescribeFineTuningTasks', { jobId });
  expect(tasks['taskList']).toEqual([
    expect.objectContaining({ taskId, runStatus: 'Done' }),
    expect.objectContaining({ taskId: second, runStatus: 'Stopped' }),
  ]);
  expect(await call('DeleteFineTuningTask', { taskId: second })).toBe(true);
  expect(((await call('DescribeFineTuningTasks', { jobId }))['taskList'] as unknown[]).length).toBe(1);
  expect(await call('DeleteFineTuningJob', { jobId })).toBe(true);
  expect((await call('DescribeFineTuningJobs', {}))['jobList']).toEqual([]);

  const everyAction = readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length));
  expect([...called].sort()).toEqual(everyAction.sort());
});
