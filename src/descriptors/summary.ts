/**
 * What `list` shows of a descriptor (its summary, whether it pages, its waiters), read without parsing
 * the whole YAML document: the top-level keys of a descriptor sit at column 0, and a summary is almost
 * always one plain line. Anything this reader cannot be sure of (a quoted or folded summary, waiters in
 * flow style) returns undefined, and the caller parses the file in full instead.
 */
import { fs } from '../runtime/require.js';
import { unreadableDescriptor } from './files.js';
import { DescriptorError } from '../errors.js';

export interface SummaryFields {
  summary: string;
  pages: boolean;
  waiters: string[];
}

const TOP_LEVEL_KEY = /^([A-Za-z_][\w-]*):(?:\s(.*))?$/;
/** A plain scalar on one line: no quote, flow, block, anchor, alias or tag indicator first, no ': ' or ' #' inside. */
const PLAIN_LINE = /^[^\s'"[\]{}|>&*!%@`#,?:-][^#]*$/;
const WAITER_NAME = /^([A-Z][A-Za-z0-9]*):(?:\s*(?:#.*)?)$/;

export function readSummaryFields(file: string): SummaryFields | undefined {
  const unreadable = unreadableDescriptor(file);
  if (unreadable) throw new DescriptorError(`${file}: ${unreadable}`, { file });
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  let summary: string | undefined;
  let pages = false;
  const waiters: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = TOP_LEVEL_KEY.exec(lines[i]!);
    if (!match) continue;
    const value = (match[2] ?? '').trim();
    if (match[1] === 'summary') {
      if (!PLAIN_LINE.test(value) || value.includes(': ') || continues(lines, i)) return undefined;
      summary = value.trimEnd();
    } else if (match[1] === 'pagination') {
      pages = true;
    } else if (match[1] === 'waiters') {
      if (value !== '' && !value.startsWith('#')) return undefined;
      const names = waiterNames(lines, i + 1);
      if (!names) return undefined;
      waiters.push(...names);
    }
  }
  return summary === undefined ? undefined : { summary, pages, waiters };
}

/** A plain scalar may continue on indented lines below it. */
function continues(lines: string[], i: number): boolean {
  const next = lines[i + 1];
  return next !== undefined && /^\s+\S/.test(next) && !/^\s+#/.test(next);
}

/** The keys one level under `waiters:`, or undefined when the block is not in the plain form. */
function waiterNames(lines: string[], from: number): string[] | undefined {
  const names: string[] = [];
  let indent: number | undefined;
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    const depth = line.length - line.trimStart().length;
    if (depth === 0) break;
    indent ??= depth;
    if (depth > indent) continue;
    if (depth < indent) return undefined;
    const match = WAITER_NAME.exec(line.slice(depth));
    if (!match) return undefined;
    names.push(match[1]!);
  }
  return names;
}
