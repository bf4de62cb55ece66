/**
 * The code cache shipped beside each vendored bundle (src/validation/vendored.ts) serves only the source
 * it was made from: a bundle changed after the build, even to the same length (which is all V8 itself
 * compares), runs as its source says, not as the cached code of the old one.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const copy = mkdtempSync(join(tmpdir(), 'qf-vendored-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

/** The loader and the built YAML bundle with its code cache, laid out as in dist/, the bundle edited by `edit`. */
function builtCopy(edit: (source: string) => string): string {
  const root = mkdtempSync(join(copy, 'dist-'));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }');
  for (const dir of ['validation', 'runtime', 'precompiled']) mkdirSync(join(root, dir));
  cpSync(join(dist, 'validation/vendored.js'), join(root, 'validation/vendored.js'));
  cpSync(join(dist, 'runtime/require.js'), join(root, 'runtime/require.js'));
  for (const file of ['vendor-yaml.code-cache', 'vendor-yaml.code-cache.sha256']) cpSync(join(dist, 'precompiled', file), join(root, 'precompiled', file));
  writeFileSync(join(root, 'precompiled/vendor-yaml.cjs'), edit(readFileSync(join(dist, 'precompiled/vendor-yaml.cjs'), 'utf8')));
  return root;
}

describe('vendored bundles and their code cache', () => {
  it('parses YAML through the bundle loaded with its cache', async () => {
    const { requireBundled } = await import(
      pathToFileURL(
        join(
          builtCopy((s) => s),
          'validation/vendored.js',
        ),
      ).href
    );
    expect(requireBundled('yaml').parse('a: [1, two]')).toEqual({ a: [1, 'two'] });
  });

  it('runs a bundle changed after the build as its source says, even at the same length', async () => {
    const comment = '// node_modules/yaml/dist/visit.js';
    const marker = 'globalThis.__qfEditedBundle = 1;'.padEnd(comment.length);
    const root = builtCopy((source) => {
      expect(source).toContain(comment);
      return source.replace(comment, marker);
    });
    const { requireBundled } = await import(pathToFileURL(join(root, 'validation/vendored.js')).href);
    requireBundled('yaml');
    expect((globalThis as { __qfEditedBundle?: number }).__qfEditedBundle).toBe(1);
    delete (globalThis as { __qfEditedBundle?: number }).__qfEditedBundle;
  });
});
