// Build step: every shipped descriptor becomes dist/precompiled/<area>/<Action>.cjs holding the checked
// descriptor and its body validator as ajv standalone code, and the retry policy becomes JSON, so a call
// to a built-in action needs neither the YAML parser nor the schema compiler at run time. The retry
// policy's own format check is compiled too, for a policy given as an option or an override file.
// A descriptor that breaks the format fails the build, naming its file and line.
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDescriptorFile } from '../dist/descriptors/parse.js';
import { BUILTIN_ACTIONS_DIR } from '../dist/descriptors/paths.js';
import { readRetryPolicy, RETRY_POLICY_SCHEMA_FILE } from '../dist/retry/policy.js';
import { strictAjv } from '../dist/validation/schema.js';

const require = createRequire(import.meta.url);
const standaloneCode = require('ajv/dist/standalone').default;
const out = fileURLToPath(new URL('../dist/precompiled', import.meta.url));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let count = 0;
for (const area of readdirSync(BUILTIN_ACTIONS_DIR)) {
  const dir = join(BUILTIN_ACTIONS_DIR, area);
  if (!statSync(dir).isDirectory()) continue;
  mkdirSync(join(out, area), { recursive: true });
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const descriptor = readDescriptorFile(join(dir, file));
    const ajv = strictAjv();
    const validate = ajv.compile(descriptor.body);
    const code = standaloneCode(ajv, validate);
    const module = `${code}\nconst validate = module.exports;\nmodule.exports = { validate, descriptor: ${JSON.stringify(descriptor)} };\n`;
    writeFileSync(join(out, area, file.replace(/\.yaml$/, '.cjs')), module);
    count++;
  }
}
const policyAjv = strictAjv();
const policySchema = JSON.parse(readFileSync(join(BUILTIN_ACTIONS_DIR, RETRY_POLICY_SCHEMA_FILE), 'utf8'));
writeFileSync(join(out, 'retry-policy.schema.cjs'), standaloneCode(policyAjv, policyAjv.compile(policySchema)));
writeFileSync(join(out, 'retry-policy.json'), JSON.stringify(readRetryPolicy(join(BUILTIN_ACTIONS_DIR, 'retry-policy.yaml'))));
console.log(`precompiled ${count} descriptors and the retry policy into dist/precompiled`);
// tsc does not keep the executable bit of the command's entry point.
chmodSync(fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)), 0o755);
