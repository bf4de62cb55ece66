/**
 * The YAML parser and ajv, as the build bundles them (scripts/precompile.mjs: one file each), else as
 * installed. Each is a tree of about a hundred modules; loading one file instead saves a dropped-in
 * action's first call tens of milliseconds (over 100 ms on a busy machine). The built-in catalogue's
 * precompiled validators need neither.
 *
 * The build also ships V8's code cache of each bundle, taken after it parsed a descriptor and compiled a
 * schema, so that the first call of a dropped-in action does not compile those functions again (about
 * 20 ms of a first call). The cache is used only for the exact source it was made from (its SHA-256 is
 * kept beside it), and only by the V8 that made it (V8 refuses it otherwise); either way the bundle then
 * compiles as usual. Nothing is ever written at run time.
 */
import type { Script } from 'node:vm';
import { fs, packageRequire } from '../runtime/require.js';

type VendoredName = 'yaml' | 'ajv';

/** Every module of the package sits one folder below dist/, so this path holds from dist/validation/ and dist/bundle/ alike. */
const PRECOMPILED_DIR = new URL('../precompiled/', import.meta.url);

const loaded = new Map<VendoredName, { exports: unknown; script: Script | undefined }>();

export function requireBundled<T>(name: VendoredName): T {
  let entry = loaded.get(name);
  if (!entry) {
    // Not built (a source checkout, or the build step itself): the installed package instead.
    entry = loadBundle(name) ?? { exports: packageRequire(name), script: undefined };
    loaded.set(name, entry);
  }
  return entry.exports as T;
}

function loadBundle(name: VendoredName): { exports: unknown; script: Script } | undefined {
  const url = new URL(`vendor-${name}.cjs`, PRECOMPILED_DIR);
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
  // The wrapper Node gives a CommonJS module; the bundle is self-contained but for Node's built-ins.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData: codeCacheOf(name, source),
  });
  const module = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, fileURLToPath(PRECOMPILED_DIR));
  return { exports: module.exports, script };
}

function codeCacheOf(name: VendoredName, source: string): Buffer | undefined {
  let cache: Buffer;
  let madeFrom: string;
  try {
    cache = fs.readFileSync(new URL(`vendor-${name}.code-cache`, PRECOMPILED_DIR));
    madeFrom = fs.readFileSync(new URL(`vendor-${name}.code-cache.sha256`, PRECOMPILED_DIR), 'utf8');
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
 * Build step (scripts/precompile.mjs, in a process of its own after it parsed and compiled): writes V8's
 * code cache of each bundle loaded so far, with everything compiled by then, beside the bundle.
 */
export function writeCodeCaches(): VendoredName[] {
  const written: VendoredName[] = [];
  for (const [name, { script }] of loaded) {
    if (!script) continue;
    const source = fs.readFileSync(new URL(`vendor-${name}.cjs`, PRECOMPILED_DIR), 'utf8');
    fs.writeFileSync(new URL(`vendor-${name}.code-cache`, PRECOMPILED_DIR), script.createCachedData());
    fs.writeFileSync(new URL(`vendor-${name}.code-cache.sha256`, PRECOMPILED_DIR), sha256(source));
    written.push(name);
  }
  return written;
}
