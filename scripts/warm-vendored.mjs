// Build step, run by scripts/precompile.mjs in a process of its own once the bundles exist: loads the
// bundled YAML parser and ajv as a dropped-in action's first call does, parses and checks every shipped
// descriptor and compiles each body schema, then writes V8's code cache of both bundles and of the
// descriptor-format check (src/validation/vendored.ts).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readDescriptorFile } from '../dist/descriptors/parse.js';
import { BUILTIN_ACTIONS_DIR } from '../dist/descriptors/paths.js';
import { compileSchema } from '../dist/validation/schema.js';
import { writeCodeCaches } from '../dist/validation/vendored.js';

for (const area of readdirSync(BUILTIN_ACTIONS_DIR)) {
  const dir = join(BUILTIN_ACTIONS_DIR, area);
  if (!statSync(dir).isDirectory()) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) compileSchema(readDescriptorFile(join(dir, file)).body);
}
const written = writeCodeCaches();
if (written.length !== 3) throw new Error(`code cache written for ${written.join(', ') || 'nothing'}; expected both bundles and the descriptor format`);
