// The API reports of the package's two entries (api/*.api.md), made by API Extractor from the built
// declarations (dist/**/*.d.ts). `node scripts/api-report.mjs` fails when a report would change: the
// public surface changed and nobody accepted it. `--update` writes the new reports, to be committed.
// Both entries in one process: loading the compiler is most of the run time.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';

const update = process.argv.includes('--update');
let changed = false;
for (const config of ['api/api-extractor.json', 'api/api-extractor.testing.json']) {
  const result = Extractor.invoke(ExtractorConfig.loadFileAndPrepare(config), { localBuild: update, showVerboseMessages: false });
  if (!result.succeeded) {
    changed = true;
    console.error(`${config}: ${result.apiReportChanged ? 'the public API changed' : `${result.errorCount} error(s)`}`);
  }
}
if (changed && !update) {
  console.error(
    'The public API differs from api/*.api.md. If the change is meant, run `npm run api:update`, review the diff of api/, describe it in docs/api.md, and commit both.',
  );
}
process.exitCode = changed ? 1 : 0;
