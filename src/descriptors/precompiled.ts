/**
 * Shipped descriptors compiled at build time (scripts/precompile), so that calling a built-in action
 * needs neither the YAML parser nor the schema compiler. Absent in a source checkout before the build.
 */
import { relative } from 'node:path';
import type { SchemaCheck } from '../validation/schema.js';
import { wrap } from '../validation/schema.js';
import { BUILTIN_ACTIONS_DIR } from './paths.js';
import type { ActionDescriptor } from './types.js';
import { packageRequire } from '../runtime/require.js';

interface PrecompiledModule {
  descriptor: ActionDescriptor;
  validate: Parameters<typeof wrap>[0];
}

export function precompiledDescriptor(file: string): { descriptor: ActionDescriptor; checkBody: SchemaCheck } | undefined {
  const key = relative(BUILTIN_ACTIONS_DIR, file)
    .replace(/\\/g, '/')
    .replace(/\.yaml$/, '');
  let mod: PrecompiledModule;
  try {
    mod = packageRequire(`../precompiled/${key}.cjs`) as PrecompiledModule;
  } catch (error) {
    // Not built (a source checkout before `npm run build`): the YAML is read instead. Anything else is a real fault.
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND') return undefined;
    throw error;
  }
  return { descriptor: mod.descriptor, checkBody: wrap(mod.validate) };
}
