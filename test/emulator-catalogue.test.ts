/**
 * The whole shipped catalogue against the emulator: every action answers its first example body
 * either with a result its schema accepts or with a console-shaped "not found" (the examples name
 * ids that do not exist here) — never an internal error. Then one short life cycle per route whose
 * actions carry emulation blocks.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import { ServiceError } from 'qianfan-console';
import { useEmulatorClient } from './support/emulator-client.js';

interface Descriptor {
  action: string;
  route: string;
  result: object;
  contentType?: string;
  emulation?: { kind: string };
  examples?: Array<{ body: Record<string, unknown> }>;
}

const ACTIONS = fileURLToPath(new URL('../actions/', import.meta.url));
const descriptors: Descriptor[] = readdirSync(ACTIONS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) => readdirSync(join(ACTIONS, d.name)).map((f) => YAML.parse(readFileSync(join(ACTIONS, d.name, f), 'utf8')) as Descriptor));
const ajv = new Ajv({ strict: false, allErrors: true });
const fixture = useEmulatorClient();

function descriptor(route: string, action: string): Descriptor {
  return descriptors.find((d) => d.route === route && d.action === action)!;
}

/** Calls through our client and checks the result against the action's result schema. */
async function call(route: string, action: string, body: Record<string, unknown>): Promise<any> {
  const { result } = await fixture.qf.callAction(route, action, body);
  const validate = ajv.compile(descriptor(route, action).result);
  expect(validate(result), `${action}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  return result;
}

async function refusal(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

describe('every shipped action', () => {
  it.each(descriptors.map((d) => [`${d.route} ${d.action}`, d] as const))('%s answers its example', async (_, d) => {
    const body = d.examples?.[0]?.body ?? {};
    if (d.contentType === 'multipart/form-data') {
      // An upload: refused before sending, rather than sent as JSON the console would not read.
      await expect(fixture.qf.callAction(d.route, d.action, body)).rejects.toMatchObject({ name: 'ValidationError', problems: [{ keyword: 'contentType' }] });
      return;
    }
    const answer = await fixture.qf.callAction(d.route, d.action, body).then(
      (response) => response,
      (e: unknown) => e,
    );
    if (answer instanceof ServiceError) {
      // Only emulated actions may refuse, and only because the example's ids do not exist here.
      expect(d.emulation, `${d.action} without emulation refused: ${answer.message}`).toBeDefined();
      expect(answer).toMatchObject({ httpStatus: 404, code: 'ResourceNotFound' });
      return;
    }
    const { result } = answer as { result: unknown };
    const validate = ajv.compile(d.result);
    expect(validate(result), `${d.action}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  });
});

describe('life cycles', () => {
  // The sweep above created records from the example bodies; each life cycle starts from nothing.
  beforeEach(() => fixture.emulator.reset());

  it('dataset: versions belong to a dataset, publish, filter, import, cascade on delete', async () => {
    const R = '/v2/dataset';
    const { datasetId } = await call(R, 'CreateDataset', { datasetName: 'faq', dataFormat: 'PromptResponse', storageType: 'sysStorage' });
    expect(datasetId).toMatch(/^dg-/);
    await call(R, 'CreateDataset', { datasetName: 'corpus', dataFormat: 'Text', storageType: 'sysStorage' });
    expect((await call(R, 'DescribeDatasets', { filter: { dataFormatList: ['PromptResponse'] } })).datasetList).toEqual([
      expect.objectContaining({ datasetId, datasetName: 'faq' }),
    ]);
    const { versionId } = await call(R, 'CreateDatasetVersion', { datasetId });
    expect(await call(R, 'DescribeDatasetVersion', { versionId })).toMatchObject({ versionId, datasetId, datasetName: 'faq', publishStatus: 'Unpublished' });
    await call(R, 'PublishDatasetVersion', { versionId });
    expect((await call(R, 'DescribeDatasetVersions', { datasetId, filter: { publishStatusList: ['Published'] } })).versionList).toHaveLength(1);
    const taskId = await call(R, 'CreateImportTask', { versionId, files: ['bos:/b/a.jsonl'] });
    expect(await call(R, 'DescribeImportTask', { taskId })).toMatchObject({ taskId, versionId, files: ['bos:/b/a.jsonl'] });
    await call(R, 'DeleteDataset', { datasetId });
    expect((await refusal(fixture.qf.callAction(R, 'DescribeDatasetVersion', { versionId }))).code).toBe('ResourceNotFound');
    expect((await refusal(fixture.qf.callAction(R, 'DescribeImportTask', { taskId }))).code).toBe('ResourceNotFound');
  });

  it('model: sets by id or name, versions, a compression task that runs and can be cancelled', async () => {
    const R = '/v2/model';
    const modelSetId = await call(R, 'CreateCustomModelSet', { modelSetName: 'faq-assistant', modelType: 'Text2Text' });
    expect(modelSetId).toMatch(/^am-/);
    expect(await call(R, 'DescribeModelSet', { modelSetName: 'faq-assistant' })).toMatchObject({ modelSetId, source: 'UserCreate' });
    expect((await refusal(fixture.qf.callAction(R, 'DescribeModelSet', { modelSetName: 'nobody' }))).message).toContain('modelSetName "nobody"');
    expect((await call(R, 'DescribeCustomModelSets', {})).customModelSetList).toHaveLength(1);
    const { modelId } = await call(R, 'CreateCustomModel', { modelSetId, sourceType: 'Train', trainMeta: { taskId: 'task-x' } });
    expect(modelId).toMatch(/^amv-/);
    expect(await call(R, 'DescribeModel', { modelId })).toMatchObject({ modelId, modelSetName: 'faq-assistant', isSupportModelComp: true });
    const compress = { name: 'int8', sourceModelId: modelId, modelSetId, config: { strategy: 'Quantization', weight: 'INT8-PTQ' } };
    const running = await call(R, 'CreateModelCompTask', compress);
    const finishing = await call(R, 'CreateModelCompTask', compress);
    fixture.advance(5_000);
    expect(await call(R, 'DescribeModelCompTask', { modelCompTaskId: running })).toMatchObject({ status: 'running' });
    await call(R, 'CancelModelCompTask', { modelCompTaskId: running });
    fixture.advance(60_000);
    expect((await call(R, 'DescribeModelCompTask', { modelCompTaskId: running })).status).toBe('stopped');
    expect((await call(R, 'DescribeModelCompTask', { modelCompTaskId: finishing })).status).toBe('succeeded');
    expect((await call(R, 'DescribeModelCompTasks', { sourceModelId: modelId })).modelCompTaskList).toHaveLength(2);
    await call(R, 'DeleteModelSet', { modelSetId });
    expect((await refusal(fixture.qf.callAction(R, 'DescribeModel', { modelId }))).code).toBe('ResourceNotFound');
  });

  it('service: deploys, serves, is modified, scaled and deactivated', async () => {
    const R = '/v2/service';
    const created = await call(R, 'CreateService', { modelSetId: 'am-set', modelId: 'amv-version', name: 'faq', urlSuffix: 'faq' });
    expect(created).toEqual({ serviceId: expect.stringMatching(/^svco-/), instanceId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    const { serviceId } = created;
    expect(await call(R, 'DescribeService', { serviceId })).toMatchObject({
      modelSetId: 'am-set',
      modelId: 'amv-version',
      modelVersionId: 'amv-version',
      runStatus: 'Deploying',
    });
    fixture.advance(10_000);
    expect((await call(R, 'DescribeServices', { runStatus: ['Serving'] })).serviceList).toEqual([expect.objectContaining({ serviceId })]);
    await call(R, 'ModifyService', { serviceId, modelSetId: 'am-set', modelId: 'amv-newer' });
    expect((await call(R, 'DescribeService', { serviceId })).modelVersionId).toBe('amv-newer');
    expect(await call(R, 'ScaleService', { serviceId, instanceId: created.instanceId, deploymentReplicasCount: 2 })).toBe(true);
    expect(await call(R, 'DeactivateService', { serviceId })).toEqual({ operation: true, message: '' });
    expect((await call(R, 'DescribeService', { serviceId })).runStatus).toBe('Stopped');
    expect((await refusal(fixture.qf.callAction(R, 'ScaleService', { serviceId: 'svco-none', instanceId: 'x', deploymentReplicasCount: 1 }))).httpStatus).toBe(
      404,
    );
  });

  it('batch inference: runs to Done, or is stopped', async () => {
    const R = '/v2/batchinference';
    const body = { name: 'offline', endpoint: 'https://example/chat', inferenceParams: {}, inputBosUri: 'bos:/b/in/', outputBosUri: 'bos:/b/out/' };
    const { taskId: done } = await call(R, 'CreateBatchInferenceTask', body);
    const { taskId: stopped } = await call(R, 'CreateBatchInferenceTask', body);
    expect(done).toMatch(/^infer-/);
    expect(await call(R, 'StopBatchInferenceTask', { taskId: stopped })).toBe(true);
    fixture.advance(30_000);
    expect(await call(R, 'DescribeBatchInferenceTask', { taskId: done })).toMatchObject({ runStatus: 'Done', finishTime: expect.stringMatching(/Z$/) });
    expect((await call(R, 'DescribeBatchInferenceTasks', { runStatus: ['Stopped'] })).taskList).toEqual([expect.objectContaining({ taskId: stopped })]);
    expect((await refusal(fixture.qf.callAction(R, 'StopBatchInferenceTask', { taskId: done }))).code).toBe('InvalidOperation');
  });

  it('eval: modify, stop, export results, delete', async () => {
    const R = '/v2/eval';
    const taskId = await call(R, 'CreateEvalTask', { taskName: 'faq-eval', evalObjectType: 'model', evalObjectConfig: {}, evalConfig: {} });
    expect(taskId).toMatch(/^ame-/);
    expect(await call(R, 'ModifyEvalTask', { taskId, description: 'April' })).toEqual({});
    expect((await call(R, 'DescribeEvalTask', { taskId })).description).toBe('April');
    expect(await call(R, 'StopEvalTask', { taskId })).toEqual({});
    const exported = await call(R, 'CreateEvalResultExportTask', { evalId: taskId });
    expect(await call(R, 'DescribeEvalResultExportTask', { taskId: exported.taskId })).toMatchObject({ status: 'Queued' });
    fixture.advance(13_000);
    expect((await call(R, 'DescribeEvalResultExportTask', { taskId: exported.taskId })).status).toBe('Succeeded');
    expect((await call(R, 'DescribeEvalTasks', { evalType: 'auto' })).evalTaskList).toHaveLength(1);
    await call(R, 'DeleteEvalTask', { taskId });
    expect((await refusal(fixture.qf.callAction(R, 'DescribeEvalResultExportTask', { taskId: exported.taskId }))).code).toBe('ResourceNotFound');
  });

  it('memory and prompt templates: create, filter, modify, delete', async () => {
    const M = '/v2/memory';
    const systemMemoryId = await call(M, 'CreateSystemMemory', { appId: 'app-1', description: 'tea shop' });
    await call(M, 'CreateSystemMemory', { appId: 'app-2', description: 'other' });
    expect(systemMemoryId).toMatch(/^sm-/);
    const memories = [[{ role: 'user', content: 'hi' }]];
    expect(await call(M, 'ModifySystemMemory', { systemMemoryId, memories })).toBe(true);
    expect(await call(M, 'DescribeSystemMemory', { systemMemoryId })).toMatchObject({ appId: 'app-1', memories });
    const listed = await call(M, 'DescribeSystemMemories', { appId: 'app-1' });
    expect(listed.items).toHaveLength(1);
    expect(listed.pageInfo.maxKeys).toBe(100);
    await call(M, 'DeleteSystemMemory', { systemMemoryId });

    const P = '/v2/promptTemplates';
    const { templateId } = await call(P, 'CreatePromptTemplate', { templateName: 'weather', templateContent: 'Weather in {city}' });
    expect(templateId).toMatch(/^pt-/);
    await call(P, 'ModifyPromptTemplate', { templateId, templateContent: 'Weather in {city} today' });
    expect(await call(P, 'DescribePromptTemplate', { templateId })).toMatchObject({
      templateName: 'weather',
      templateContent: 'Weather in {city} today',
      variableIdentifier: '{}',
    });
    expect((await call(P, 'DescribePromptTemplates', { name: 'weather' })).items).toHaveLength(1);
    expect((await call(P, 'DescribePromptTemplates', { name: 'other' })).items).toHaveLength(0);
    await call(P, 'DeletePromptTemplate', { templateId });
    expect((await refusal(fixture.qf.callAction(P, 'DescribePromptTemplate', { templateId }))).code).toBe('ResourceNotFound');
  });

  it('charge: TPM instances are purchased, listed by model, resized and released', async () => {
    const R = '/v2/charge';
    const { instanceId } = await call(R, 'PurchaseTPMResource', { model: 'ernie-4.0-8k', purchaseCount: 1, billing: { paymentTiming: 'Postpaid' } });
    await call(R, 'PurchaseTPMResource', { model: 'ernie-speed', purchaseCount: 1, billing: { paymentTiming: 'Prepaid' } });
    expect((await call(R, 'DescribeTPMResource', { model: 'ernie-4.0-8k', paymentTiming: 'Postpaid' })).instances).toEqual([
      expect.objectContaining({ instanceId }),
    ]);
    await call(R, 'ResizeTPMResource', { instanceId, count: 3 });
    expect((await call(R, 'DescribeTPMResource', { model: 'ernie-4.0-8k' })).instances[0].count).toBe(3);
    expect(await call(R, 'ReleaseTPMResource', { model: 'ernie-4.0-8k', instanceId })).toBe(true);
    expect((await call(R, 'DescribeTPMResource', { model: 'ernie-4.0-8k' })).instances).toEqual([]);
  });
});
