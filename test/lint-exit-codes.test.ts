/**
 * `lint` exit codes, in-process and as `npm run lint` (a child process). Shared setup: test/support/lint-dirs.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { actionsDir, descriptor, lint, removeActionsDirs } from './support/lint-dirs.js';

afterEach(removeActionsDirs);

describe('lint exit codes', () => {
  it('2 for a directory that does not exist, naming it, without linting anything', async () => {
    const dir = actionsDir({ 'widgets/DescribeWidget.yaml': 'action: [\n' });
    const missing = join(dir, 'no-such-dir');
    const result = await lint([dir, missing]);
    expect(result.code).toBe(2);
    expect(result.err).toEqual([`qianfan-console lint: ${missing} is not a directory`]);
    expect(result.out).toEqual([]);
  });

  it('npm run lint runs without the CLI: 0 on a clean directory, 1 on problems, 2 on a usage error', () => {
    // npm test lints the shipped set the same way; lint-shipped.test.ts checks that set in-process.
    const clean = actionsDir({ 'widgets/DescribeWidget.yaml': descriptor('DescribeWidget') });
    expect(execFileSync('npm', ['run', '--silent', 'lint', '--', clean], { encoding: 'utf8' })).toMatch(/^lint: 1 descriptor in 1 directory: no problems\n$/);
    const dir = actionsDir({ 'widgets/DescribeWidget.yaml': descriptor('ShowWidget') });
    const problem = spawnSync(process.execPath, ['dist/lint/main.js', dir], { encoding: 'utf8' });
    expect(problem.status).toBe(1);
    expect(problem.stdout).toContain(`${dir}/widgets/DescribeWidget.yaml:1: action is ShowWidget but the file is named DescribeWidget.yaml\n`);
    const usage = spawnSync(process.execPath, ['dist/lint/main.js', '--fix'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown option --fix');
  });
});
