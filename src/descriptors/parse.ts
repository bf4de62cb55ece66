/**
 * Reading one descriptor file: YAML → object → checked against actions/descriptor.schema.json.
 * Every failure names the file and the line. The YAML parser is imported on first use only.
 */
import { basename, dirname } from 'node:path';
import { DescriptorError } from '../errors.js';
import { describeFailure, fileProblemsMessage, parseLocatedYaml } from '../validation/located-yaml.js';
import { strictAjv, wrap, type JsonSchema, type SchemaCheck } from '../validation/schema.js';
import { requirePrecompiled } from '../validation/vendored.js';
import { MAX_DESCRIPTOR_BYTES, unreadableDescriptor } from './files.js';
import { BUILTIN_ACTIONS_DIR } from './paths.js';
import type { ActionDescriptor } from './types.js';
import { fs } from '../runtime/require.js';

/** Aliases expand; a small document with nested aliases can otherwise expand to gigabytes (a "billion laughs"). */
const MAX_ALIAS_COUNT = 50;

let metaCheck: SchemaCheck | undefined;

/**
 * The check of actions/descriptor.schema.json: precompiled at build (scripts/precompile.mjs), else
 * compiled on first use; throws when that schema does not compile.
 */
export function descriptorFormat(): SchemaCheck {
  if (!metaCheck) {
    const precompiled = precompiledFormat();
    if (precompiled) metaCheck = wrap(precompiled);
    else {
      const schema = JSON.parse(fs.readFileSync(`${BUILTIN_ACTIONS_DIR}/descriptor.schema.json`, 'utf8')) as JsonSchema;
      metaCheck = wrap(strictAjv({ useDefaults: true, trustedPatterns: true }).compile(schema));
    }
  }
  return metaCheck;
}

function precompiledFormat(): Parameters<typeof wrap>[0] | undefined {
  // Not built (a source checkout, or the build step itself): compiled instead.
  return requirePrecompiled('descriptor-format') as Parameters<typeof wrap>[0] | undefined;
}

/** One thing wrong with a descriptor file, at a line of it. */
export interface DescriptorProblem {
  line: number;
  message: string;
  code: 'InvalidYAML' | 'InvalidDescriptor';
}

/** Everything found wrong with one descriptor, rather than only the first thing. */
export interface DescriptorInspection {
  /** The descriptor, defaults filled, when it meets the format; set even when its name disagrees with its path. */
  descriptor: ActionDescriptor | undefined;
  problems: DescriptorProblem[];
  /** The line of a JSON pointer into the document, or of its nearest ancestor that exists. */
  lineOf(pointer: string): number;
}

export function readDescriptorFile(file: string): ActionDescriptor {
  const read = readDescriptorText(file);
  if ('reason' in read) throw new DescriptorError(`${file}: ${read.reason}`, { file, cause: read.cause });
  return parseDescriptor(read.text, file);
}

/** Like readDescriptorFile, but returns every problem instead of throwing the first (for lint). */
export function inspectDescriptorFile(file: string): DescriptorInspection {
  const read = readDescriptorText(file);
  if ('reason' in read) return { descriptor: undefined, problems: [{ line: 1, message: read.reason, code: 'InvalidDescriptor' }], lineOf: () => 1 };
  return inspectDescriptor(read.text, file);
}

function readDescriptorText(file: string): { text: string } | { reason: string; cause?: unknown } {
  const unreadable = unreadableDescriptor(file);
  if (unreadable) return { reason: unreadable };
  try {
    const bytes = fs.readFileSync(file);
    // The file may have grown since stat looked.
    if (bytes.length > MAX_DESCRIPTOR_BYTES) return { reason: `descriptor is ${bytes.length} bytes; the limit is ${MAX_DESCRIPTOR_BYTES}` };
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch (error) {
    return { reason: `cannot read descriptor: ${(error as Error).message}`, cause: error };
  }
}

/** Parses and checks descriptor text; `file` is used for messages and for the file-name checks. */
export function parseDescriptor(text: string, file: string): ActionDescriptor {
  const { descriptor, problems } = inspectDescriptor(text, file);
  const [first] = problems;
  if (first) throw new DescriptorError(fileProblemsMessage(file, problems), { file, line: first.line, code: first.code });
  return descriptor!;
}

/** Parses and checks descriptor text, collecting every problem; `file` is used for the file-name checks. */
export function inspectDescriptor(text: string, file: string): DescriptorInspection {
  const { doc, lineAt, lineOf } = parseLocatedYaml(text);
  const failed = (problems: DescriptorProblem[]): DescriptorInspection => ({ descriptor: undefined, problems, lineOf });
  if (doc.errors.length > 0) {
    return failed(doc.errors.map((e) => ({ line: lineAt(e.pos[0]), message: `not valid YAML: ${firstLine(e.message)}`, code: 'InvalidYAML' })));
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return failed([{ line: 1, message: `not usable YAML: ${firstLine((error as Error).message)}`, code: 'InvalidYAML' }]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return failed([{ line: 1, message: 'a descriptor must be a YAML mapping', code: 'InvalidDescriptor' }]);
  }
  const problems: DescriptorProblem[] = [];
  const failures = descriptorFormat()(value);
  if (failures !== true) {
    for (const f of failures) {
      const { pointer, detail } = describeFailure(f);
      problems.push({ line: lineOf(pointer), message: `breaks the descriptor format: ${detail}`, code: 'InvalidDescriptor' });
    }
  }
  // The name checks run even when the format is broken elsewhere, so that lint reports them together.
  const { action, route } = value as { action?: unknown; route?: unknown };
  const expectedAction = basename(file).replace(/\.yaml$/, '');
  if (typeof action === 'string' && action !== expectedAction) {
    problems.push({ line: lineOf('/action'), message: `action is ${action} but the file is named ${expectedAction}.yaml`, code: 'InvalidDescriptor' });
  }
  const expectedRoute = `/v2/${basename(dirname(file))}`;
  if (typeof route === 'string' && route !== expectedRoute) {
    problems.push({ line: lineOf('/route'), message: `route is ${route} but the file lies in the directory for ${expectedRoute}`, code: 'InvalidDescriptor' });
  }
  return { descriptor: failures === true ? (value as ActionDescriptor) : undefined, problems, lineOf };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!;
}
