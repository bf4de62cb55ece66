/**
 * The setup shared by the lint test files: small descriptor directories written for each case, and
 * lint run in-process with its output collected.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLint } from '../../src/lint/lint.js';

const made: string[] = [];

/** Removes the directories actionsDir made; each lint test file calls it after each test. */
export function removeActionsDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A descriptor directory holding the given files (path → text). */
export function actionsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'qianfan-lint-'));
  made.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** A valid descriptor of widgets/<action>, with lines to replace or add. */
export function descriptor(action: string, overrides: Record<string, string> = {}): string {
  const fields: Record<string, string> = {
    action: `action: ${action}`,
    route: 'route: /v2/widgets',
    summary: 'summary: Show one widget.',
    docs: 'docs: https://example.com/widgets',
    idempotent: 'idempotent: true',
    body: [
      'body:',
      '  type: object',
      '  additionalProperties: false',
      '  required: [widgetId]',
      '  properties:',
      '    widgetId: { type: string }',
      '    size: { type: integer, minimum: 1, maximum: 10 }',
    ].join('\n'),
    result: [
      'result:',
      '  type: object',
      '  properties:',
      '    state: { type: string, enum: [Ready, Gone] }',
      '    parts: { type: array, items: { type: string } }',
    ].join('\n'),
    examples: ['examples:', '  - body: { widgetId: w-1, size: 3 }', '    result: { state: Ready }'].join('\n'),
    ...overrides,
  };
  return Object.values(fields).join('\n') + '\n';
}

export async function lint(dirs: string[] | undefined): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runLint(dirs, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err };
}

/** The problem lines (without the summary), with the directory left out of the file names. */
export function problems(result: { out: string[] }, dir: string): string[] {
  return result.out.filter((l) => !l.startsWith('lint: ')).map((l) => l.replace(`${dir}/`, ''));
}
