import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory of dropped-in descriptors, laid out as the search path wants: area → file name → YAML text. */
export function actionDir(files: Record<string, Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'qf-actions-'));
  for (const [area, entries] of Object.entries(files)) {
    mkdirSync(join(dir, area), { recursive: true });
    for (const [name, text] of Object.entries(entries)) writeFileSync(join(dir, area, name), text);
  }
  return dir;
}
