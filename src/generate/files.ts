/**
 * The files derived from the shipped descriptors — the action types (src/generated/actions.ts) and
 * the reference (docs/actions.md). Both are committed; a test fails while either differs from what
 * `npm run generate` would write.
 */
import { fileURLToPath } from 'node:url';
import { readDescriptorFile } from '../descriptors/parse.js';
import { BUILTIN_ACTIONS_DIR } from '../descriptors/paths.js';
import { DescriptorStore } from '../descriptors/store.js';
import type { ActionDescriptor } from '../descriptors/types.js';
import { renderActionTypes } from './action-types.js';
import { renderReference } from './reference.js';

/** The repository (this file is dist/generate/files.js or src/generate/files.ts). */
export const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every descriptor in a directory, by route and action, read from its YAML (not from the build). */
export function readCatalogue(dir = BUILTIN_ACTIONS_DIR): ActionDescriptor[] {
  return new DescriptorStore([dir]).list().map((entry) => readDescriptorFile(entry.file));
}

/** The generated files, by path relative to the repository. */
export function generatedFiles(descriptors: readonly ActionDescriptor[] = readCatalogue()): { path: string; text: string }[] {
  return [
    { path: 'src/generated/actions.ts', text: renderActionTypes(descriptors) },
    { path: 'docs/actions.md', text: renderReference(descriptors) },
  ];
}
