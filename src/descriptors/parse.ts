/**
 * Reading one descriptor file: YAML → object → checked against actions/descriptor.schema.json.
 * Every failure names the file and the line. The YAML parser is imported on first use only.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { DescriptorError } from '../errors.js';
import { toJsonPath } from '../validation/report.js';
import { strictAjv, wrap, type JsonSchema, type SchemaCheck } from '../validation/schema.js';
import { BUILTIN_ACTIONS_DIR } from './paths.js';
import type { ActionDescriptor } from './types.js';

const require = createRequire(import.meta.url);

/** Aliases expand; a small document with nested aliases can otherwise expand to gigabytes (a "billion laughs"). */
const MAX_ALIAS_COUNT = 50;
/** A descriptor is a page of YAML; anything far larger is a mistake or an attack. */
export const MAX_DESCRIPTOR_BYTES = 1024 * 1024;

let metaCheck: SchemaCheck | undefined;

function descriptorFormat(): SchemaCheck {
  if (!metaCheck) {
    const schema = JSON.parse(readFileSync(`${BUILTIN_ACTIONS_DIR}/descriptor.schema.json`, 'utf8')) as JsonSchema;
    metaCheck = wrap(strictAjv({ useDefaults: true }).compile(schema));
  }
  return metaCheck;
}

export function readDescriptorFile(file: string): ActionDescriptor {
  let text: string;
  try {
    const bytes = readFileSync(file);
    if (bytes.length > MAX_DESCRIPTOR_BYTES) throw new DescriptorError(`${file}: descriptor is ${bytes.length} bytes; the limit is ${MAX_DESCRIPTOR_BYTES}`, { file });
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    if (error instanceof DescriptorError) throw error;
    throw new DescriptorError(`${file}: cannot read descriptor: ${(error as Error).message}`, { file, cause: error });
  }
  return parseDescriptor(text, file);
}

/** Parses and checks descriptor text; `file` is used for messages and for the file-name checks. */
export function parseDescriptor(text: string, file: string): ActionDescriptor {
  const YAML = require('yaml') as typeof import('yaml');
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const syntax = doc.errors[0];
  if (syntax) {
    const line = lineCounter.linePos(syntax.pos[0]).line;
    throw new DescriptorError(`${file}:${line}: not valid YAML: ${firstLine(syntax.message)}`, { file, line, code: 'InvalidYAML' });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new DescriptorError(`${file}: not usable YAML: ${firstLine((error as Error).message)}`, { file, code: 'InvalidYAML', cause: error });
  }
  const lineOf = (pointer: string): number => {
    const segments = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    for (let n = segments.length; n >= 0; n--) {
      const node = doc.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new DescriptorError(`${file}:1: a descriptor must be a YAML mapping`, { file, line: 1 });
  }
  const failures = descriptorFormat()(value);
  if (failures !== true) {
    const first = failures[0]!;
    const where = first.keyword === 'additionalProperties' ? `${first.instancePath}/${String(first.params['additionalProperty'])}` : first.instancePath;
    const line = lineOf(where);
    const list = failures
      .slice(0, 10)
      .map((f) => `${toJsonPath(f.instancePath)} ${f.message ?? 'is invalid'}${f.keyword === 'additionalProperties' ? ` (${String(f.params['additionalProperty'])})` : ''}${f.keyword === 'enum' ? ` (${(f.params['allowedValues'] as unknown[]).join(', ')})` : ''}`)
      .join('; ');
    throw new DescriptorError(`${file}:${line}: breaks the descriptor format: ${list}`, { file, line });
  }
  const descriptor = value as ActionDescriptor;
  const expectedAction = basename(file).replace(/\.yaml$/, '');
  if (descriptor.action !== expectedAction) {
    throw new DescriptorError(`${file}:${lineOf('/action')}: action is ${descriptor.action} but the file is named ${expectedAction}.yaml`, { file, line: lineOf('/action') });
  }
  const expectedRoute = `/v2/${basename(dirname(file))}`;
  if (descriptor.route !== expectedRoute) {
    throw new DescriptorError(`${file}:${lineOf('/route')}: route is ${descriptor.route} but the file lies in the directory for ${expectedRoute}`, { file, line: lineOf('/route') });
  }
  return descriptor;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}
