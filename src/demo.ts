/**
 * `npm run demo`: the fine-tuning life cycle against the local emulator, through the public API only.
 * Starts the emulator in-process with its demo keys (the user's own keys are neither used nor shown),
 * at a speed at which a training run takes a couple of seconds.
 */
import { createClient, QianfanError, startEmulator } from './index.js';

/** A 65-second training run takes about 1.6 s. */
const SPEED = 40;
const POLL_MS = 100;
const PAGE_SIZE = 5;
const ROUTE = '/v2/finetuning';

const say = (line = ''): void => void process.stdout.write(line + '\n');

async function main(): Promise<void> {
  // An empty environment: the emulator takes its demo keys, never QIANFAN_ACCESS_KEY / QIANFAN_SECRET_KEY.
  const emulator = await startEmulator({ speed: SPEED, env: {} });
  const qf = createClient({ accessKey: emulator.accessKey, secretKey: emulator.secretKey, baseUrl: emulator.url });
  try {
    say(`Local Qianfan console emulator at ${emulator.url} (lifecycles ${SPEED}× faster)`);

    say('\n1. Create a fine-tuning job');
    const { result: job } = await qf.callAction(ROUTE, 'CreateFineTuningJob', {
      name: 'faq-sft',
      description: 'Customer-service answers',
      model: 'ERNIE-Speed-8K',
      trainMode: 'SFT',
    });
    say(`   CreateFineTuningJob → jobId ${job.jobId}`);

    say('\n2. Start a training task under it');
    const { result: task } = await qf.callAction(ROUTE, 'CreateFineTuningTask', trainingBody(job.jobId));
    say(`   CreateFineTuningTask → taskId ${task.taskId}`);

    say('\n3. Watch it train (DescribeFineTuningTask)');
    let last = '';
    for (;;) {
      const { result } = await qf.callAction(ROUTE, 'DescribeFineTuningTask', { taskId: task.taskId });
      const shown = `${result.runStatus}${result.runProgress ? ` ${result.runProgress}` : ''}`;
      if (shown !== last) say(`   ${shown}`);
      last = shown;
      if (result.runStatus === 'Done') {
        say(
          `   metrics: ${Object.entries(result.metrics ?? {})
            .map(([name, value]) => `${name} ${value}`)
            .join(', ')}`,
        );
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }

    say(`\n4. List jobs ${PAGE_SIZE} at a time (DescribeFineTuningJobs with marker and maxKeys)`);
    for (let i = 1; i <= 11; i++) await qf.callAction(ROUTE, 'CreateFineTuningJob', { name: `sweep-${i}`, model: 'ERNIE-Speed-8K', trainMode: 'SFT' });
    say('   created 11 more jobs');
    let marker: string | undefined;
    for (let page = 1; ; page++) {
      const { result } = await qf.callAction(ROUTE, 'DescribeFineTuningJobs', { maxKeys: PAGE_SIZE, ...(marker ? { marker } : {}) });
      const { jobList = [], pageInfo } = result;
      say(`   page ${page}: ${jobList.map((j) => j.name).join(', ')}${pageInfo?.isTruncated ? `  → nextMarker ${pageInfo.nextMarker}` : '  (last page)'}`);
      if (!pageInfo?.isTruncated) break;
      marker = pageInfo.nextMarker;
    }

    say('\n5. Stop a task mid-run (StopFineTuningTask)');
    const { result: second } = await qf.callAction(ROUTE, 'CreateFineTuningTask', trainingBody(job.jobId));
    const before = await qf.callAction(ROUTE, 'DescribeFineTuningTask', { taskId: second.taskId });
    say(`   ${second.taskId} is ${before.result.runStatus}`);
    await qf.callAction(ROUTE, 'StopFineTuningTask', { taskId: second.taskId });
    const after = await qf.callAction(ROUTE, 'DescribeFineTuningTask', { taskId: second.taskId });
    say(`   StopFineTuningTask → ${after.result.runStatus}`);

    say('\n6. Delete');
    await qf.callAction(ROUTE, 'DeleteFineTuningTask', { taskId: second.taskId });
    say(`   DeleteFineTuningTask ${second.taskId} → done`);
    await qf.callAction(ROUTE, 'DeleteFineTuningJob', { jobId: job.jobId });
    say(`   DeleteFineTuningJob ${job.jobId} → done (its tasks go with it)`);
    try {
      await qf.callAction(ROUTE, 'DescribeFineTuningTask', { taskId: task.taskId });
      throw new Error(`${task.taskId} still exists after its job was deleted`);
    } catch (error) {
      if (!(error instanceof QianfanError) || error.code !== 'ResourceNotFound') throw error;
      say(`   DescribeFineTuningTask ${task.taskId} → ${error.httpStatus} ${error.code}, as expected`);
    }
    say('\nThe whole life cycle ran against the emulator. Start one of your own with: npx qianfan-console serve');
  } finally {
    await qf.close();
    await emulator.close();
  }
}

function trainingBody(jobId: string) {
  return {
    jobId,
    parameterScale: 'LoRA' as const,
    hyperParameterConfig: { epoch: 1, learningRate: 0.0003 },
    datasetConfig: { sourceType: 'Platform' as const, versions: [{ versionId: 'ds-he8srs01ym0b8fh7' }], splitRatio: 20 },
  };
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
