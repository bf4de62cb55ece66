/**
 * The typed callAction, checked by the compiler. test/types/typed-calls.ts must compile against the
 * built package (dist/index.d.ts, as users see it); its @ts-expect-error lines make a wrong call that
 * compiles fail as surely as a right call that does not. And every example of the catalogue, valid
 * by its schemas, must compile against the generated types: they may not be stricter than the schemas.
 * Both files go to one run of tsc, which reads the standard library and the package's types once.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue, REPOSITORY_ROOT } from '../src/generate/files.js';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const TYPED_CALLS = join(REPOSITORY_ROOT, 'test/types/typed-calls.ts');
const EXAMPLES = 'examples.mts';

let dir: string;
let exampleCount = 0;
/** tsc's diagnostics, one entry each (a message may run over several lines), and its exit code. */
let diagnostics: string[] = [];
let exitCode: number | null = null;

/** Every example body and result of the catalogue, each assigned to its generated type. */
function exampleChecks(): string[] {
  return readCatalogue().flatMap((d) =>
    (d.examples ?? []).flatMap((example, i) => {
      const entry = `ConsoleActions[${JSON.stringify(d.route)}][${JSON.stringify(d.action)}]`;
      // One action name can live on several routes (ReleaseComputeUnit), so the route is part of the name.
      const name = `${d.route.slice('/v2/'.length)}_${d.action}`;
      const body = `export const ${name}Body${i}: ${entry}['body'] = ${JSON.stringify(example.body)};`;
      return 'result' in example ? [body, `export const ${name}Result${i}: ${entry}['result'] = ${JSON.stringify(example.result)};`] : [body];
    }),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qianfan-types-'));
  const checks = exampleChecks();
  exampleCount = checks.length;
  const actionTypes = join(REPOSITORY_ROOT, 'src/generated/actions.js');
  writeFileSync(join(dir, EXAMPLES), `import type { ConsoleActions } from ${JSON.stringify(actionTypes)};\n${checks.join('\n')}\n`);
  // test/types' own settings (the project's strict ones); the types of node are looked up in the
  // repository, not next to this temporary file.
  const project = {
    extends: join(REPOSITORY_ROOT, 'test/types/tsconfig.json'),
    compilerOptions: { rootDir: '/', typeRoots: [join(REPOSITORY_ROOT, 'node_modules/@types')] },
    include: [],
    files: [TYPED_CALLS, EXAMPLES],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(project));
  const run = spawnSync(process.execPath, [tsc, '--noEmit', '--pretty', 'false', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  exitCode = run.status;
  diagnostics = `${run.stdout}${run.stderr}`.split(/\n(?=\S)/).filter((text) => text.trim() !== '');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The diagnostics of one file, and those of no file (the project's own) that fail every check. */
const problemsOf = (file: string): string[] => diagnostics.filter((text) => text.includes(`${file}(`) || !/^\S+\(\d+,\d+\): /.test(text));

describe('typed callAction', () => {
  it('compiles correct bodies; refuses misspelt fields, missing required fields and bad values; leaves other actions generic', () => {
    expect(problemsOf('typed-calls.ts')).toEqual([]);
  });

  it('accepts every example body and result of the catalogue', () => {
    expect(exampleCount).toBeGreaterThanOrEqual(80);
    expect(problemsOf(EXAMPLES)).toEqual([]);
  });

  it('the compiler ran and found nothing else wrong', () => {
    expect(diagnostics).toEqual([]);
    expect(exitCode).toBe(0);
  });
});
