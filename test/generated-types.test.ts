/**
 * The typed callAction, checked by the compiler. test/types/typed-calls.ts must compile against the
 * built package (dist/index.d.ts, as users see it); its @ts-expect-error lines make a wrong call that
 * compiles fail as surely as a right call that does not. And every example of the catalogue, valid
 * by its schemas, must compile against the generated types: they may not be stricter than the schemas.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCatalogue, REPOSITORY_ROOT } from '../src/generate/files.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

function compile(project: string): string {
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { encoding: 'utf8' });
  return `${run.stdout}${run.stderr}${run.status === 0 ? '' : `exit code ${run.status}`}`;
}

describe('typed callAction', () => {
  it('compiles correct bodies; refuses misspelt fields, missing required fields and bad values; leaves other actions generic', () => {
    expect(compile(join(REPOSITORY_ROOT, 'test/types/tsconfig.json'))).toBe('');
  }, 60_000);

  it('accepts every example body and result of the catalogue', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qianfan-types-'));
    try {
      const checks = readCatalogue().flatMap((d) =>
        (d.examples ?? []).flatMap((example, i) => {
          const entry = `ConsoleActions[${JSON.stringify(d.route)}][${JSON.stringify(d.action)}]`;
          // One action name can live on several routes (ReleaseComputeUnit), so the route is part of the name.
          const name = `${d.route.slice('/v2/'.length)}_${d.action}`;
          const body = `export const ${name}Body${i}: ${entry}['body'] = ${JSON.stringify(example.body)};`;
          return 'result' in example ? [body, `export const ${name}Result${i}: ${entry}['result'] = ${JSON.stringify(example.result)};`] : [body];
        }),
      );
      expect(checks.length).toBeGreaterThanOrEqual(80);
      const actionTypes = join(REPOSITORY_ROOT, 'src/generated/actions.js');
      writeFileSync(join(dir, 'examples.mts'), `import type { ConsoleActions } from ${JSON.stringify(actionTypes)};\n${checks.join('\n')}\n`);
      const compilerOptions = { strict: true, noEmit: true, target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', types: [] };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['examples.mts'] }));
      expect(compile(join(dir, 'tsconfig.json'))).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
