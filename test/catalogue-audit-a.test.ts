/**
 * Catalogue audit, routes finetuning, dataset, batchinference, service and memory (docs/catalogue-audit/audit-a.md):
 * each fix is checked through the public client, with strict validation, against the emulator (which answers
 * from the same descriptors) or a verifying loopback server. Every test here fails on the descriptors as they
 * were before the audit: the documented body was refused, or the result or waiter had the wrong shape.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient, startEmulator, ValidationError, waitFor, WaiterError, type Emulator, type QianfanClient } from 'qianfan-console';
import { consoleLike, useVerifyingServer } from './support/verifying-server.js';

/** Routes typed as plain strings select callAction's untyped signature, so bodies are checked only at run time. */
const BATCH: string = '/v2/batchinference';
const DATASET: string = '/v2/dataset';
const SERVICE: string = '/v2/service';
const MEMORY: string = '/v2/memory';
const FINETUNING: string = '/v2/finetuning';

let emulator: Emulator;
let qf: QianfanClient;
let now = Date.now();

beforeAll(async () => {
  emulator = await startEmulator({ env: {}, now: () => now });
  qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url, maxAttempts: 1, validation: 'strict' });
});
afterAll(async () => {
  await qf.close();
  await emulator.close();
});
beforeEach(() => emulator.reset());

/** Calls the emulator and checks that the body arrived as sent. */
async function send(route: string, action: string, body: Record<string, unknown>): Promise<any> {
  const { result } = await qf.callAction(route, action, body);
  expect(emulator.calls.at(-1)).toMatchObject({ route, action, body });
  return result;
}

const batchTask = { name: 'offline', endpoint: 'ernie-x1-turbo-32k', inferenceParams: {}, inputBosUri: 'bos:/b/in/', outputBosUri: 'bos:/b/out/' };

describe('batch inference', () => {
  it('lists by every documented run state, including Queuing, Stopping and Expired', async () => {
    const runStatus = ['Queuing', 'Running', 'Done', 'Stopping', 'Stopped', 'Failed', 'Expired'];
    expect(await send(BATCH, 'DescribeBatchInferenceTasks', { runStatus })).toMatchObject({ taskList: [] });
  });

  it('takes the documented dataFormat and completion_window on create, and a task queues before it runs', async () => {
    const taskId = (await send(BATCH, 'CreateBatchInferenceTask', { ...batchTask, dataFormat: 'src_tgt', completion_window: '24h' })).taskId;
    expect((await send(BATCH, 'DescribeBatchInferenceTask', { taskId })).runStatus).toBe('Queuing');
    now += 5_000;
    expect((await send(BATCH, 'DescribeBatchInferenceTask', { taskId })).runStatus).toBe('Running');
    now += 25_000;
    expect(await send(BATCH, 'DescribeBatchInferenceTask', { taskId })).toMatchObject({ runStatus: 'Done', dataFormat: 'src_tgt' });
  });
});

describe('batch inference waiter', () => {
  const AK = 'ALTAKauditA00000000001';
  const SK = 'audit-a-secret-key-0000001';
  const server = useVerifyingServer({ [AK]: SK });

  it('treats Expired as a failure at the first poll instead of polling on', async () => {
    server.handler = consoleLike(() => ({ taskId: 'infer-1', runStatus: 'Expired' }));
    const client = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1 });
    const error = await waitFor(client, 'BatchInferenceTaskDone', { taskId: 'infer-1' }, { intervalMs: 1, timeoutMs: 2_000 }).catch((e: unknown) => e);
    await client.close();
    expect(error).toBeInstanceOf(WaiterError);
    expect(error).toMatchObject({ reason: 'failure', status: 'Expired' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('list page sizes above 100, which the docs say are served as 100', () => {
  it.each([
    ['DescribeBatchInferenceTasks', BATCH, 'taskList'],
    ['DescribeServices', SERVICE, 'serviceList'],
    ['DescribeDatasets', DATASET, 'datasetList'],
    ['DescribeSystemMemories', MEMORY, 'items'],
  ])('%s sends maxKeys 500', async (action, route, items) => {
    const result = await send(route, action, { maxKeys: 500 });
    expect(result).toMatchObject({ [items]: [], pageInfo: { maxKeys: 100 } });
  });

  it('DescribeDatasetVersions sends maxKeys 500', async () => {
    const { datasetId } = await send(DATASET, 'CreateDataset', { datasetName: 'faq', dataFormat: 'PromptResponse', storageType: 'sysStorage' });
    await send(DATASET, 'CreateDatasetVersion', { datasetId });
    expect((await send(DATASET, 'DescribeDatasetVersions', { datasetId, maxKeys: 500 })).pageInfo.maxKeys).toBe(100);
  });
});

describe('dataset', () => {
  it('names datasets dg- and versions ds-, and a new version comes back described', async () => {
    const { datasetId } = await send(DATASET, 'CreateDataset', { datasetName: 'faq', dataFormat: 'Role', storageType: 'BOS', storagePath: 'bos:/b/faq/' });
    expect(datasetId).toMatch(/^dg-/);
    const version = await send(DATASET, 'CreateDatasetVersion', { datasetId, description: 'April' });
    expect(version).toEqual({
      datasetId,
      versionId: expect.stringMatching(/^ds-/),
      datasetName: 'faq',
      dataFormat: 'Role',
      description: 'April',
      storageType: 'BOS',
      storagePath: 'bos:/b/faq/',
      createTime: expect.stringMatching(/Z$/),
    });
  });

  it('answers CreateImportTask with the task id as a string', async () => {
    const { datasetId } = await send(DATASET, 'CreateDataset', { datasetName: 'faq', dataFormat: 'PromptResponse', storageType: 'sysStorage' });
    const { versionId } = await send(DATASET, 'CreateDatasetVersion', { datasetId });
    const taskId = await send(DATASET, 'CreateImportTask', { versionId, files: ['bos:/b/raw/'] });
    expect(taskId).toEqual(expect.stringMatching(/^task-/));
    expect(await send(DATASET, 'DescribeImportTask', { taskId })).toMatchObject({ versionId, importStatus: 'ImportFinished' });
  });

  it('answers CreateExportTask with the task id as a string, and ExportTaskDone waits for the export', async () => {
    const { datasetId } = await send(DATASET, 'CreateDataset', { datasetName: 'faq', dataFormat: 'PromptResponse', storageType: 'sysStorage' });
    const { versionId } = await send(DATASET, 'CreateDatasetVersion', { datasetId });
    const taskId = await send(DATASET, 'CreateExportTask', { versionId, storageType: 'sysStorage' });
    expect(taskId).toEqual(expect.stringMatching(/^task-/));
    expect(await send(DATASET, 'DescribeExportTask', { taskId })).toMatchObject({ exportStatus: 'Exporting', progress: '0%' });
    const done = await waitFor(qf, 'ExportTaskDone', { taskId }, { intervalMs: 1, onProgress: () => void (now += 5_000) });
    expect(done.result).toMatchObject({ exportStatus: 'ExportFinished', progress: '100%' });
  });
});

describe('service', () => {
  it('describes a service with modelSetId for the set and modelId for the version, as CreateService takes them', async () => {
    const { serviceId } = await send(SERVICE, 'CreateService', { modelSetId: 'am-set', modelId: 'amv-version', name: 'faq', urlSuffix: 'faq' });
    expect(await send(SERVICE, 'DescribeService', { serviceId })).toMatchObject({ modelSetId: 'am-set', modelId: 'amv-version' });
    await send(SERVICE, 'ModifyService', { serviceId, modelSetId: 'am-set', modelId: 'amv-newer' });
    expect(await send(SERVICE, 'DescribeService', { serviceId })).toMatchObject({ modelSetId: 'am-set', modelId: 'amv-newer' });
  });

  it('refuses AttachLogStore without the documented required serviceType and serviceId, before sending', async () => {
    const calls = emulator.calls.length;
    const error = await qf.callAction(SERVICE, 'AttachLogStore', { logProject: 'p', logStoreName: 's' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).problems.map((p) => [p.keyword, p.path])).toEqual([
      ['required', '$.serviceType'],
      ['required', '$.serviceId'],
    ]);
    expect(emulator.calls).toHaveLength(calls);
    expect(await send(SERVICE, 'AttachLogStore', { serviceType: 'Preset', serviceId: 'svcp-x', logRegion: 'bj', logProject: 'p', logStoreName: 's' })).toBe(
      true,
    );
  });
});

describe('fine-tuning', () => {
  it('sends the SDK’s Afs source type and a splitRatio the SDK’s mock console accepts', async () => {
    const { jobId } = await send(FINETUNING, 'CreateFineTuningJob', { name: 'faq-sft', model: 'ERNIE-Speed-8K', trainMode: 'SFT' });
    const datasetConfig = { sourceType: 'Afs', versions: [{ samplingRate: 1 }], splitRatio: 50 };
    expect(await send(FINETUNING, 'CreateFineTuningTask', { jobId, hyperParameterConfig: { epoch: 1 }, datasetConfig })).toMatchObject({ jobId });
  });
});
