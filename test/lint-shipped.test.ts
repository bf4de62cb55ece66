/**
 * `lint` over the shipped catalogue, in-process: clean as shipped, and a problem planted in a copy of
 * an area is found. A file of its own because linting the whole catalogue takes a second of CPU, so
 * that it runs in parallel with the other lint files. Shared setup: test/support/lint-dirs.ts.
 */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_ACTIONS_DIR } from '../src/descriptors/paths.js';
import { actionsDir, lint, problems, removeActionsDirs } from './support/lint-dirs.js';

afterEach(removeActionsDirs);

describe('lint over the shipped descriptors', () => {
  it('passes, with exit code 0, when no directory is given', async () => {
    const result = await lint(undefined);
    expect(result.out).toEqual([expect.stringMatching(/^lint: \d+ descriptors in 1 directory: no problems$/)]);
    expect(Number(/(\d+) descriptors/.exec(result.out[0]!)![1])).toBeGreaterThanOrEqual(80);
    expect(result.code).toBe(0);
    expect(result.err).toEqual([]);
  });

  it('reports a problem planted in a copy of an area of them', async () => {
    const copy = actionsDir({});
    cpSync(join(BUILTIN_ACTIONS_DIR, 'finetuning'), join(copy, 'finetuning'), { recursive: true });
    writeFileSync(join(copy, 'finetuning', 'Broken.yaml'), 'action: Broken\nroute: [\n');
    const result = await lint([copy]);
    expect(result.code).toBe(1);
    expect(problems(result, copy)).toEqual([expect.stringMatching(/^finetuning\/Broken\.yaml:\d+: not valid YAML: /)]);
  });
});
