/**
 * Compile-time checks of the typed callAction, run by test/generated-types.test.ts with
 * `tsc --noEmit -p test/types`. Each @ts-expect-error must meet an error, else tsc fails (TS2578):
 * so this file fails to compile both when a wrong call is accepted and when a right one is refused.
 * Nothing here runs.
 */
import { expectTypeOf } from 'vitest';
import { callAction, createClient, type ActionResponse } from 'qianfan-console';

export async function typedCalls(): Promise<void> {
  const qf = createClient();

  // A correct body compiles, and the result is typed.
  const job = await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'faq-sft', model: 'ERNIE-Speed-8K', trainMode: 'SFT' });
  expectTypeOf(job.result.jobId).toEqualTypeOf<string>();
  expectTypeOf(job.requestId).toEqualTypeOf<string>();

  // A misspelt field is a compile error.
  // @ts-expect-error `modle` is not a field of CreateFineTuningJob
  await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'faq-sft', modle: 'ERNIE-Speed-8K', trainMode: 'SFT' });
  // @ts-expect-error the same through the default client
  await callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'faq-sft', model: 'ERNIE-Speed-8K', trainMode: 'SFT', descripton: 'x' });

  // A missing required field, a value outside the enum and a wrong type are compile errors.
  // @ts-expect-error trainMode is required
  await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'faq-sft', model: 'ERNIE-Speed-8K' });
  // @ts-expect-error trainMode is one of SFT, PostPretrain, DPO, KTO
  await qf.callAction('/v2/finetuning', 'CreateFineTuningJob', { name: 'faq-sft', model: 'ERNIE-Speed-8K', trainMode: 'RLHF' });
  // @ts-expect-error maxKeys is a number
  await qf.callAction('/v2/finetuning', 'DescribeFineTuningTasks', { jobId: 'job-1', maxKeys: '10' });
  // @ts-expect-error a body with required fields cannot be left out
  await qf.callAction('/v2/finetuning', 'DescribeFineTuningTask');

  // The short route forms are typed alike.
  // @ts-expect-error misspelt field, route given as finetuning
  await qf.callAction('finetuning', 'DeleteFineTuningTask', { taskid: 'task-1' });
  const deleted = await qf.callAction('v2/finetuning', 'DeleteFineTuningTask', { taskId: 'task-1' });
  expectTypeOf(deleted.result).toEqualTypeOf<boolean>();

  // "Exactly one of modelId and endpoint": both, or neither, is an error.
  const batch = { name: 'b', inferenceParams: {}, inputBosUri: 'bos:/in', outputBosUri: 'bos:/out' };
  await qf.callAction('/v2/batchinference', 'CreateBatchInferenceTask', { ...batch, modelId: 'am-1' });
  // @ts-expect-error modelId and endpoint exclude each other
  await qf.callAction('/v2/batchinference', 'CreateBatchInferenceTask', { ...batch, modelId: 'am-1', endpoint: 'ep' });

  // Actions outside the catalogue, and names only known at run time, take any object.
  const unknownAction = await qf.callAction('/v2/finetuning', 'DescribeSomethingNew', { anything: 1 });
  expectTypeOf(unknownAction).toEqualTypeOf<ActionResponse<unknown>>();
  await qf.callAction('/v2/widgets', 'DescribeWidget');
  await callAction('widgets', 'CreateWidget', { size: 3 }, { timeoutMs: 1000 });
  const route: string = process.argv[2] ?? '/v2/finetuning';
  const action: string = process.argv[3] ?? 'CreateFineTuningJob';
  await qf.callAction(route, action, { modle: 'anything goes' });
  // @ts-expect-error but the body is still an object
  await qf.callAction(route, action, 'not an object');
}
