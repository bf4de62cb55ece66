/**
 * The YAML parser and ajv, as the build bundles them (scripts/precompile.mjs: one file each), else as
 * installed. Each is a tree of about a hundred modules; loading one file instead saves a dropped-in
 * action's first call tens of milliseconds (over 100 ms on a busy machine). The built-in catalogue's
 * precompiled validators need neither.
 *
 * The build also ships V8's code cache of both bundles and of the precompiled descriptor-format check,
 * taken after they parsed and checked every shipped descriptor and compiled each body schema, so that the
 * first call of a dropped-in action does not compile those functions again (about 20 ms of a first
 * call). A cache is used only for the exact source it was made from (its SHA-256 is kept beside it), and
 * only by the V8 that made it (V8 refuses it otherwise); either way the module then compiles as usual.
 * Nothing is ever written at run time.
 */
import type { Script } from 'node:vm';
import { fs, packageRequire } from '../runtime/require.js';

/** The modules of dist/precompiled/ loaded with their code cache. */
export type CachedModule = 'vendor-yaml' | 'vendor-ajv' | 'descriptor-format';

/** Every module of the package sits one folder below dist/, so this path holds from dist/validation/ and dist/bundle/ alike. */
const PRECOMPILED_DIR = new URL('../precompiled/', import.meta.url);

/** What each module exported, and its script (for the build's cache); undefined where it was not built. */
const loaded = new Map<CachedModule, { exports: unknown; script: Script } | undefined>();

export function requireBundled<T>(name: 'yaml' | 'ajv'): T {
  // Not built (a source checkout, or the build step itself): the installed package instead.
  return (requirePrecompiled(`vendor-${name}`) ?? packageRequire(name)) as T;
}

/** A module of dist/precompiled/, loaded once, with its code cache when that fits; undefined when not built. */
export function requirePrecompiled(name: CachedModule): unknown {
  if (!loaded.has(name)) loaded.set(name, load(name));
  return loaded.get(name)?.exports;
}

function load(name: CachedModule): { exports: unknown; script: Script } | undefined {
  const url = new URL(`${name}.cjs`, PRECOMPILED_DIR);
  let source: string;
  try {
    source = fs.readFileSync(url, 'utf8');
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return undefined;
    throw error;
  }
  const { Script } = packageRequire('node:vm') as typeof import('node:vm');
  const { createRequire } = packageRequire('node:module') as typeof import('node:module');
  const { fileURLToPath } = packageRequire('node:url') as typeof import('node:url');
  const file = fileURLToPath(url);
  // The wrapper Node gives a CommonJS module.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData: codeCacheOf(name, source),
  });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, fileURLToPath(PRECOMPILED_DIR));
  return { exports: module.exports, script };
}

function codeCacheOf(name: CachedModule, source: string): Buffer | undefined {
  let cache: Buffer;
  let madeFrom: string;
  try {
    cache = fs.readFileSync(new URL(`${name}.code-cache`, PRECOMPILED_DIR));
    madeFrom = fs.readFileSync(new URL(`${name}.code-cache.sha256`, PRECOMPILED_DIR), 'utf8');
  } catch {
    return undefined;
  }
  return sha256(source) === madeFrom ? cache : undefined;
}

function sha256(text: string): string {
  const { createHash } = packageRequire('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Build step (scripts/warm-vendored.mjs, in a process of its own after it parsed and compiled): writes
 * V8's code cache of each module loaded so far, with everything compiled by then, beside the module.
 */
export function writeCodeCaches(): CachedModule[] {
  const written: CachedModule[] = [];
  for (const [name, entry] of loaded) {
    if (!entry) continue;
    const source = fs.readFileSync(new URL(`${name}.cjs`, PRECOMPILED_DIR), 'utf8');
    fs.writeFileSync(new URL(`${name}.code-cache`, PRECOMPILED_DIR), entry.script.createCachedData());
    fs.writeFileSync(new URL(`${name}.code-cache.sha256`, PRECOMPILED_DIR), sha256(source));
    written.push(name);
  }
  return written;
}
