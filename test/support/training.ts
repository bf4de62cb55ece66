/** The smallest body of a LoRA fine-tuning task the catalogue accepts, for tests that need a task to run. */
import type { CreateFineTuningTaskBody } from 'qianfan-console';

export const TRAINING: Omit<CreateFineTuningTaskBody, 'jobId'> = {
  parameterScale: 'LoRA',
  hyperParameterConfig: { epoch: 1 },
  datasetConfig: { sourceType: 'Platform', versions: [{ versionId: 'ds-he8srs01ym0b8fh7' }] },
};
