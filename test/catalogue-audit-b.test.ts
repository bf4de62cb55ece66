/**
 * Catalogue audit B (/v2/model, /v2/charge, /v2/eval, /v2/promptLabels, /v2/promptTemplates and the
 * routes the catalogue lacked): each documented body goes through the public client and must arrive
 * as sent, and results the documents describe come back in their documented shape from the emulator.
 * Strict clients are used where an action is new, so a missing descriptor is a refusal, not a pass.
 */
import { describe, expect, it } from 'vitest';
import { createClient, waitFor } from 'qianfan-console';
import { useEmulatorClient } from './support/emulator-client.js';
import { consoleLike, useVerifyingServer } from './support/verifying-server.js';

const AK = 'ALTAKauditb0123456789';
const SK = 'audit-b-secret-key-0123456789abcdef';
const server = useVerifyingServer(
  { [AK]: SK },
  consoleLike(() => true),
);
const emulated = useEmulatorClient();

type Body = Record<string, unknown>;

/** Sends through a strict client (no unknown actions, strict validation) and returns what the server received. */
async function sendAndReceive(route: string, action: string, body: Body): Promise<Body> {
  const qf = createClient({ accessKey: AK, secretKey: SK, baseUrl: server.url, maxAttempts: 1, undescribedActions: 'refuse', validation: 'strict' });
  try {
    await qf.callAction(route, action, body);
  } finally {
    await qf.close();
  }
  const request = server.requests.at(-1)!;
  expect(request.authProblem).toBeNull();
  expect(request.path).toBe(route);
  expect(request.query.get('Action')).toBe(action);
  return JSON.parse(request.body) as Body;
}

// Bodies as the doc pages (or the SDK, where said) show them; each was refused by the catalogue before the audit.
const documentedBodies: Array<[string, string, string, Body]> = [
  [
    'release time on /v2/charge AutoReleaseComputeUnit (doc 8m33u852z)',
    '/v2/charge',
    'AutoReleaseComputeUnit',
    { instanceId: 'unit-x8kq2m1z', releaseTime: '2030-01-01T12:30:00+08:00' },
  ],
  ['renewal rule without instanceType on /v2/charge AutoReleaseComputeUnit', '/v2/charge', 'AutoReleaseComputeUnit', { instanceId: 'unit-x8kq2m1z' }],
  [
    'ModifyEvalTask with the doc table spelling describtion (Emm4n0w6l)',
    '/v2/eval',
    'ModifyEvalTask',
    { taskId: 'ame-4kvn2m8w1q', describtion: 'judge ERNIE-4.0' },
  ],
  [
    'CreateModelCompTask with weight spelt as in the doc example, int8-ptq (tlxcnb2ji)',
    '/v2/model',
    'CreateModelCompTask',
    {
      name: 'demo',
      description: 'test',
      sourceModelId: 'amv-d1zx1iwdarfr',
      modelSetId: 'am-adbuasyfaf',
      config: { strategy: 'Quantization', weight: 'int8-ptq' },
    },
  ],
  ['DescribeSystemModel (Sm3s3undj)', '/v2/model', 'DescribeSystemModel', { modelId: 'amv-jk8q2m75x5j1' }],
  [
    'CreateAutoRenewRules with only the time (5mo2cn1km)',
    '/v2/charge',
    'CreateAutoRenewRules',
    { instanceId: 'unit-Re8k2x0Y', instanceType: 'TPM', autoRenewTime: 6 },
  ],
  [
    'DescribeApplications with a creator filter (Imh4suxxe)',
    '/v2/application',
    'DescribeApplications',
    { protocolVersion: 2, creator: ['alice'], maxKeys: 100 },
  ],
  [
    'PurchaseComputeUnit, prepaid with renewal (Hmo6wqf7i)',
    '/v2/computeunit',
    'PurchaseComputeUnit',
    {
      computeUnitCount: 1,
      billing: {
        paymentTiming: 'Prepaid',
        reservation: { reservationTimeUnit: 'Month', reservationLength: 12 },
        autoRenew: true,
        autoRenewTimeUnit: 'Month',
        autoRenewTime: 6,
      },
      computeUnitConfig: { region: 'bd', type: 'gpu-6' },
    },
  ],
  ['DescribeComputeUnits (rm4ta1h8o)', '/v2/computeunit', 'DescribeComputeUnits', { region: 'bj', paymentTiming: 'Prepaid', type: 'gpu-1' }],
  ['DescribeComputeUnit (Gm4ta1xx9)', '/v2/computeunit', 'DescribeComputeUnit', { instanceId: 'unit-xxx' }],
  ['ResizeComputeUnit (Fm4ta2eji)', '/v2/computeunit', 'ResizeComputeUnit', { instanceId: 'unit-xxx', count: 2 }],
  ['ReleaseComputeUnit (dm4ta2t6n)', '/v2/computeunit', 'ReleaseComputeUnit', { instanceId: 'unit-ZMGwr0JP' }],
  [
    'AutoReleaseComputeUnit on /v2/computeunit, standard time format (hm4ta37m9)',
    '/v2/computeunit',
    'AutoReleaseComputeUnit',
    { instanceId: 'unit-xxx', releaseTime: '2030-01-15 09:30:00' },
  ],
  [
    'ReleaseComputeUnit on /v2/serviceresources (Dlyqvo40k)',
    '/v2/serviceresources',
    'ReleaseComputeUnit',
    { serviceId: 'svco-48esssdpa594', instanceId: 'a0085162f7e8aa49d19e58e' },
  ],
  [
    'AutoReleaseComputeUnit on /v2/serviceresources (8m33u852z)',
    '/v2/serviceresources',
    'AutoReleaseComputeUnit',
    { instanceId: 'unit-xxxxx', releaseTime: '2030-01-01T12:30:00+08:00' },
  ],
  [
    'PurchaseComputeUnit on /v2/serviceresources (4lvuk0kxi)',
    '/v2/serviceresources',
    'PurchaseComputeUnit',
    {
      serviceId: 'svco-48esssdpa594',
      billing: { paymentTiming: 'Prepaid', reservation: { reservationTimeUnit: 'Month', reservationLength: 5 } },
      replicasCount: 5,
    },
  ],
  [
    'DescribeComputeUnit on /v2/serviceresources (glvuk4b7a)',
    '/v2/serviceresources',
    'DescribeComputeUnit',
    { serviceId: 'svco-48esssdpa594', instanceId: 'a0085162f7e8aa49d19e58e' },
  ],
  [
    'DescribeComputeUnits on /v2/serviceresources (9mwbl2jxf)',
    '/v2/serviceresources',
    'DescribeComputeUnits',
    { serviceId: 'svco-48exxxa594', paymentTiming: 'Prepaid' },
  ],
  [
    'the older /v2/charge DescribeServiceResource, still served (glvuk4b7a)',
    '/v2/charge',
    'DescribeServiceResource',
    { serviceId: 'svco-48esssdpa594', instanceId: 'a0085162f7e8aa49d19e58e' },
  ],
  ['the older /v2/charge DescribeServiceResources, still served (9mwbl2jxf)', '/v2/charge', 'DescribeServiceResources', { serviceId: 'svco-48esssdpa594' }],
  [
    'the older /v2/charge ReleaseServiceResource, still served (Dlyqvo40k)',
    '/v2/charge',
    'ReleaseServiceResource',
    { serviceId: 'svco-48esssdpa594', instanceId: 'a0085162f7e8aa49d19e58e' },
  ],
];

describe('documented bodies reach the console as sent', () => {
  it.each(documentedBodies)('%s', async (_title, route, action, body) => {
    expect(await sendAndReceive(route, action, body)).toEqual(body);
  });
});

describe('documented results, from the emulator', () => {
  it('CreateEvalTask returns the task id as a string, which CreateEvalResultExportTask takes as evalId', async () => {
    const { result: taskId } = await emulated.qf.callAction('/v2/eval', 'CreateEvalTask', {
      taskName: 'faq-eval',
      evalObjectType: 'model',
      evalObjectConfig: {
        evalModelConfig: { versionId: 'ds-he8srs01ym0b8fh7', storageType: 'sysStorage', evalModelConfigList: [{ modelId: 'amv-6g8nng4auutg' }] },
      },
      evalConfig: { evalMode: 'model' },
    });
    expect(taskId).toMatch(/^ame-[a-z0-9]{12}$/);
    const { result: exportTask } = await emulated.qf.callAction('/v2/eval', 'CreateEvalResultExportTask', {
      evalId: taskId,
      storageType: 'sysStorage',
      exportContent: ['prompt', 'system'],
    });
    expect(exportTask).toMatchObject({ taskId: expect.stringMatching(/^amemt-/) });
  });

  it('an evaluation task reports its documented state, which the EvalTaskDone waiter follows to Successed; StopEvalTask sets Stopped', async () => {
    const body = { taskName: 'judge', evalObjectType: 'model' as const, evalObjectConfig: {}, evalConfig: {} };
    const taskId = (await emulated.qf.callAction('/v2/eval', 'CreateEvalTask', body)).result as string;
    expect((await emulated.qf.callAction('/v2/eval', 'DescribeEvalTask', { taskId })).result).toMatchObject({ taskId, state: 'Queued' });
    emulated.advance(40_000);
    const done = await waitFor(emulated.qf, 'EvalTaskDone', { taskId }, { intervalMs: 1 });
    expect(done.result).toMatchObject({ taskId, state: 'Successed' });

    const other = (await emulated.qf.callAction('/v2/eval', 'CreateEvalTask', body)).result as string;
    await emulated.qf.callAction('/v2/eval', 'StopEvalTask', { taskId: other });
    expect((await emulated.qf.callAction('/v2/eval', 'DescribeEvalTask', { taskId: other })).result).toMatchObject({ state: 'Stopped' });
  });

  it('a compute unit is bought, listed by region and type, resized, scheduled for release and released', async () => {
    const route = '/v2/computeunit';
    const { result: bought } = await emulated.qf.callAction(route, 'PurchaseComputeUnit', {
      computeUnitCount: 1,
      billing: { paymentTiming: 'Postpaid' },
      computeUnitConfig: { region: 'bj', type: 'gpu-1' },
    });
    const instanceId = (bought as { instanceId: string }).instanceId;
    expect(instanceId).toMatch(/^unit-/);

    const listed = await emulated.qf.callAction(route, 'DescribeComputeUnits', { region: 'bj', type: 'gpu-1' });
    expect(listed.result).toMatchObject({
      computeUnitInstanceList: [{ instanceId, region: 'bj', type: 'gpu-1', paymentTiming: 'Postpaid', status: 'Running' }],
    });
    const elsewhere = await emulated.qf.callAction(route, 'DescribeComputeUnits', { region: 'bd' });
    expect(elsewhere.result).toEqual({ computeUnitInstanceList: [] });

    expect((await emulated.qf.callAction(route, 'ResizeComputeUnit', { instanceId, count: 3 })).result).toEqual({ instanceId });
    expect((await emulated.qf.callAction(route, 'AutoReleaseComputeUnit', { instanceId, releaseTime: '2030-01-15 09:30:00' })).result).toBe(true);
    const after = await emulated.qf.callAction(route, 'DescribeComputeUnits', {});
    expect(after.result).toMatchObject({ computeUnitInstanceList: [{ instanceId, totalComputeUnits: 3, releaseTime: '2030-01-15 09:30:00' }] });

    expect((await emulated.qf.callAction(route, 'ReleaseComputeUnit', { instanceId })).result).toBe(true);
    expect((await emulated.qf.callAction(route, 'DescribeComputeUnits', {})).result).toEqual({ computeUnitInstanceList: [] });
  });
});
