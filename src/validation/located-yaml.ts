/**
 * A YAML document checked against a JSON Schema, with each problem at its line: shared by descriptor
 * files (descriptors/parse.ts) and the retry policy file (retry/policy.ts). The YAML parser is
 * required on first use only.
 */
import type { Document } from 'yaml';
import { requireBundled } from './vendored.js';
import { toJsonPath } from './report.js';
import type { SchemaFailure } from './schema.js';

export interface LocatedYaml {
  doc: Document.Parsed;
  /** The line (from 1) of a character offset, such as a parse error's position. */
  lineAt(offset: number): number;
  /** The line of a JSON pointer into the document, or of its nearest ancestor that exists. */
  lineOf(pointer: string): number;
}

/** Parses YAML strictly (duplicate keys are errors), keeping where each node starts. */
export function parseLocatedYaml(text: string): LocatedYaml {
  const YAML = requireBundled<typeof import('yaml')>('yaml');
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const lineOf = (pointer: string): number => {
    const segments = pointer
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (let n = segments.length; n >= 0; n--) {
      const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineAt(node.range[0]);
    }
    return 1;
  };
  return { doc, lineAt, lineOf };
}

/**
 * One schema failure as a sentence naming the field ($.a.b), and the JSON pointer of the node it is
 * about: an unknown property points at that property rather than at the mapping that holds it.
 */
export function describeFailure(failure: SchemaFailure): { pointer: string; detail: string } {
  const extra = failure.keyword === 'additionalProperties' ? String(failure.params['additionalProperty']) : undefined;
  const allowed = failure.keyword === 'enum' ? ` (${(failure.params['allowedValues'] as unknown[]).join(', ')})` : '';
  const detail = `${toJsonPath(failure.instancePath)} ${failure.message ?? 'is invalid'}${extra === undefined ? '' : ` (${extra})`}${allowed}`;
  return { pointer: extra === undefined ? failure.instancePath : `${failure.instancePath}/${extra}`, detail };
}

/** The problems one error lists; lint lists them all. */
const MAX_PROBLEMS_SHOWN = 10;

/** One message for the problems of a YAML file: `file:line: first; line N: next…`, at most ten of them. */
export function fileProblemsMessage(file: string, problems: readonly { line: number; message: string }[]): string {
  const [first, ...more] = problems;
  const others = more
    .slice(0, MAX_PROBLEMS_SHOWN - 1)
    .map((p) => `; line ${p.line}: ${p.message}`)
    .join('');
  return `${file}:${first?.line ?? 1}: ${first?.message ?? 'invalid'}${others}`;
}
