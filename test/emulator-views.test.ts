/**
 * A record with a lifecycle is shown as it stands at each read: the emulator reuses a view while the
 * record, its lifecycle's stage and percentage and its parent are the same, and must never answer from a
 * view those have moved past.
 */
import { expect, it } from 'vitest';
import { useEmulatorClient } from './support/emulator-client.js';

const FINETUNING = '/v2/finetuning';
const fixture = useEmulatorClient();

async function describeTask(taskId: string): Promise<Record<string, unknown>> {
  return (await fixture.qf.callAction(FINETUNING, 'DescribeFineTuningTask', { taskId })).result as Record<string, unknown>;
}

it('shows each read the stage and percentage of that moment, and a change at once', async () => {
  const { qf } = fixture;
  const { jobId } = (await qf.callAction(FINETUNING, 'CreateFineTuningJob', { name: 'views', model: 'ERNIE-Speed-8K', trainMode: 'SFT' })).result;
  const training = {
    jobId,
    hyperParameterConfig: { epoch: 1 },
    datasetConfig: { sourceType: 'Bos' as const, versions: [{ versionBosUri: 'bos:/bucket/data/' }] },
  };
  const { taskId } = (await qf.callAction(FINETUNING, 'CreateFineTuningTask', training)).result;

  const waiting = await describeTask(taskId);
  expect(waiting).toMatchObject({ taskId, runStatus: 'Waiting' });
  expect(await describeTask(taskId)).toEqual(waiting);

  // Waiting lasts 5 s, Running 60 s: 6 s after entering Running is 10 %, 600 ms more is 11 %.
  fixture.advance(11_000);
  expect(await describeTask(taskId)).toMatchObject({ runStatus: 'Running', runProgress: '10%' });
  fixture.advance(100);
  expect(await describeTask(taskId)).toMatchObject({ runStatus: 'Running', runProgress: '10%' });
  fixture.advance(500);
  expect(await describeTask(taskId)).toMatchObject({ runStatus: 'Running', runProgress: '11%' });

  // Stopping stores a new record: the next read shows it, without the running stage's progress.
  await qf.callAction(FINETUNING, 'StopFineTuningTask', { taskId });
  const stopped = await describeTask(taskId);
  expect(stopped).toMatchObject({ runStatus: 'Stopped' });
  expect(stopped).not.toHaveProperty('runProgress');

  // A second task reaches Done; its finishDate is the time it entered Done, the same on every read.
  const second = (await qf.callAction(FINETUNING, 'CreateFineTuningTask', training)).result.taskId;
  fixture.advance(65_000);
  const done = await describeTask(second);
  expect(done).toMatchObject({ runStatus: 'Done', checkpoints: [{ step: 100 }, { step: 200 }] });
  fixture.advance(1_000);
  expect(await describeTask(second)).toEqual(done);
});
