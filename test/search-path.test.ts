/** The descriptor search path: built-in actions/, then QIANFAN_ACTIONS_PATH, then actionPaths; later wins, action by action. */
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createClient, ValidationError } from 'qianfan-console';
import { actionDir } from './support/action-dir.js';
import type { QianfanClient as ClientWithInternals } from '../src/client/client.js';

function layer(enumValue: string): string {
  const dir = actionDir({
    finetuning: {
      'StopFineTuningTask.yaml': `action: StopFineTuningTask
route: /v2/finetuning
summary: layer ${enumValue}
docs: https://example.invalid/doc
idempotent: true
body: {type: object, additionalProperties: false, required: [taskId], properties: {taskId: {type: string, enum: [${enumValue}]}}}
result: {type: boolean}
`,
    },
  });
  return dir;
}

const acceptedBy = (qf: ReturnType<typeof createClient>, taskId: string): boolean => {
  try {
    // Validation without signing: the client's @internal prepare step.
    (qf as unknown as ClientWithInternals).prepare('/v2/finetuning', 'StopFineTuningTask', { taskId });
    return true;
  } catch (error) {
    if (error instanceof ValidationError) return false;
    throw error;
  }
};

describe('descriptor search path', () => {
  it('QIANFAN_ACTIONS_PATH overrides the built-in descriptor, actionPaths override both, and other actions stay built-in', () => {
    const envA = layer('from-env-a');
    const envB = layer('from-env-b');
    const option = layer('from-option');
    const env = { QIANFAN_ACTIONS_PATH: [envA, envB].join(delimiter) };
    const builtIn = createClient({ validation: 'strict', env: {} });
    expect(acceptedBy(builtIn, 'task-anything')).toBe(true);
    const withEnv = createClient({ validation: 'strict', env });
    expect(acceptedBy(withEnv, 'from-env-b')).toBe(true);
    expect(acceptedBy(withEnv, 'from-env-a')).toBe(false);
    const withBoth = createClient({ validation: 'strict', env, actionPaths: [option] });
    expect(acceptedBy(withBoth, 'from-option')).toBe(true);
    expect(acceptedBy(withBoth, 'from-env-b')).toBe(false);
    expect(withBoth.catalogue.find({ area: 'finetuning', route: '/v2/finetuning', action: 'StopFineTuningTask' })?.source.file).toBe(
      join(option, 'finetuning', 'StopFineTuningTask.yaml'),
    );
    // An action the layers do not define still comes from actions/.
    expect(withBoth.catalogue.find({ area: 'finetuning', route: '/v2/finetuning', action: 'DeleteFineTuningTask' })?.source.layer).toBe(0);
  });

  it('lists the winning file of each action across layers', () => {
    const option = layer('x');
    const qf = createClient({ validation: 'strict', env: {}, actionPaths: [option] });
    const finetuning = qf.catalogue.list('finetuning');
    expect(finetuning.map((a) => a.action)).toContain('CreateFineTuningJob');
    expect(finetuning.find((a) => a.action === 'StopFineTuningTask')?.file).toBe(join(option, 'finetuning', 'StopFineTuningTask.yaml'));
    expect(new Set(finetuning.map((a) => a.action)).size).toBe(finetuning.length);
  });
});
