/**
 * The YAML parser and ajv, as the build bundles them (scripts/precompile.mjs: one file each), else as
 * installed. Each is a tree of about a hundred modules; loading one file instead saves a dropped-in
 * action's first call tens of milliseconds (over 100 ms on a busy machine). The built-in catalogue's
 * precompiled validators need neither.
 */
import { packageRequire } from '../runtime/require.js';

export function requireBundled<T>(name: 'yaml' | 'ajv'): T {
  try {
    return packageRequire(`../precompiled/vendor-${name}.cjs`) as T;
  } catch (error) {
    // Not built (a source checkout, or the build step itself): the installed package instead.
    if ((error as { code?: string }).code !== 'MODULE_NOT_FOUND') throw error;
    return packageRequire(name) as T;
  }
}
