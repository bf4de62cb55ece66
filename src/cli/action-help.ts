/**
 * An action explained from its descriptor alone, for `describe` and for `call|wait ROUTE X --help`:
 * what a dropped-in YAML file declares is what its help shows.
 */
import { commandForBody, documentAlternatives, documentParameters, renderParameters, type ParameterDoc } from './parameter-docs.js';
import { toYaml } from './output.js';
import type { JsonSchema, LoadedDescriptor } from '../index.js';

export interface ActionDescription {
  route: string;
  action: string;
  summary: string;
  description: string | undefined;
  docs: string;
  source: string;
  idempotent: boolean;
  parameters: Omit<ParameterDoc, 'depth' | 'isFlag'>[];
  alternatives: string[];
  result: JsonSchema;
  pagination: unknown;
  waiters: unknown;
  examples: unknown;
  notes: string[];
}

/** The facts `describe --output json|yaml` prints. */
export function describeAction(loaded: LoadedDescriptor): ActionDescription {
  const d = loaded.descriptor;
  return {
    route: d.route,
    action: d.action,
    summary: d.summary,
    description: d.description,
    docs: d.docs,
    source: loaded.source.file,
    idempotent: d.idempotent,
    parameters: documentParameters(d.body, true).map(({ depth: _depth, isFlag: _isFlag, ...doc }) => doc),
    alternatives: documentAlternatives(d.body),
    result: d.result,
    pagination: d.pagination,
    waiters: d.waiters,
    examples: d.examples,
    notes: notesOf(loaded),
  };
}

/** The same as text for people. */
export function renderActionHelp(loaded: LoadedDescriptor): string {
  const d = loaded.descriptor;
  const area = d.route.replace(/^\/v2\//, '');
  const sections: string[] = [];
  sections.push(`${d.action} (${d.route})\n  ${d.summary}${d.description ? `\n\n  ${d.description.trim().replace(/\n/g, '\n  ')}` : ''}`);
  const facts = [
    `Docs:        ${d.docs}`,
    `Source:      ${loaded.source.file}`,
    `Idempotent:  ${d.idempotent ? 'yes (retried after an ambiguous failure)' : 'no (retried only when the request provably did not arrive)'}`,
  ];
  if (d.pagination) {
    const p = d.pagination;
    facts.push(
      `Pages:       items in ${p.items}; ${p.inputToken} in, ${p.outputToken} out while ${p.moreResults}; up to ${p.maxLimit} per page (${p.limitKey}); call … --all fetches every page`,
    );
  }
  sections.push(facts.join('\n'));
  const parameters = documentParameters(d.body, true);
  const alternatives = documentAlternatives(d.body);
  sections.push(
    `Parameters:\n${parameters.length ? renderParameters(parameters) : '  (none)'}${alternatives.length ? `\n  ${alternatives.join('\n  ')}` : ''}`,
  );
  const resultFields = documentParameters(d.result, false);
  sections.push(
    `Result:\n${resultFields.length ? renderParameters(resultFields) : `  <${(d.result['type'] as string | undefined) ?? 'any'}>${d.result['description'] ? `  ${String(d.result['description'])}` : ''}`}`,
  );
  if (d.waiters) {
    const required = (Array.isArray(d.body['required']) ? (d.body['required'] as string[]) : []).map((name) => `--${name} …`).join(' ');
    sections.push(
      'Waiters:\n' +
        Object.entries(d.waiters)
          .map(([name, w]) => {
            const failure = w.failure.length ? `; fails on ${w.failure.join(', ')}` : '';
            return `  ${name}: ${w.summary}\n    polls ${d.action} every ${seconds(w.intervalMs)} until ${w.status} is ${w.success.join(' or ')}${failure}; gives up after ${seconds(w.timeoutMs)}\n    qianfan-console wait ${area} ${name} ${required}`.trimEnd();
          })
          .join('\n'),
    );
  }
  if (d.examples?.length) {
    sections.push(
      'Examples:\n' +
        d.examples
          .map((example) => {
            const command = commandForBody(`qianfan-console call ${area} ${d.action}`, example.body);
            const result = example.result === undefined ? '' : `\n    result:\n${indent(toYaml(example.result).trimEnd(), 6)}`;
            return `  ${example.title ? `${example.title}:\n    ` : ''}${command}${result}`;
          })
          .join('\n\n'),
    );
  }
  const notes = notesOf(loaded);
  if (notes.length) sections.push(`Notes:\n${notes.map((n) => `  - ${n}`).join('\n')}`);
  return sections.join('\n\n') + '\n';
}

/** Help for an action on `call` or `wait`: how to give the body, then the action itself. */
export function renderCallHelp(usage: string, loaded: LoadedDescriptor): string {
  return `${usage}\n\n${BODY_HELP}\n\n${renderActionHelp(loaded)}`;
}

const BODY_HELP = `Each body field is a flag, typed by the schema: --field value (or --field=value); a boolean flag
alone means true; repeat a list's flag once per item or give one JSON list; give an object as JSON or
set its fields with dotted flags (--datasetConfig.sourceType Platform). --body JSON, --body @file or
--body - (stdin) gives a whole body that the flags are laid over.`;

function notesOf(loaded: LoadedDescriptor): string[] {
  const notes = loaded.descriptor.notes;
  return notes === undefined ? [] : Array.isArray(notes) ? notes : [notes];
}

function seconds(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

function indent(text: string, spaces: number): string {
  return text.replace(/^/gm, ' '.repeat(spaces));
}
