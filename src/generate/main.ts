/** `npm run generate`: writes the action types and the reference from the shipped descriptors. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generatedFiles, REPOSITORY_ROOT } from './files.js';

for (const { path, text } of generatedFiles()) {
  const file = join(REPOSITORY_ROOT, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  console.log(`wrote ${path}`);
}
