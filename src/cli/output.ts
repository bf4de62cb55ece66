/**
 * Printing results: JSON for programs (the default when stdout is not a terminal), YAML or a table for
 * people (the default on a terminal), tab-separated text for cut and awk. --query (JMESPath, as in
 * aws-cli) picks from the printed document first. YAML and JMESPath are loaded only when used.
 */
import { createRequire } from 'node:module';
import { UsageError } from './argv.js';
import { renderTable } from './table.js';

export { renderTable } from './table.js';

const OUTPUT_FORMATS = ['json', 'yaml', 'table', 'text'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** What a command prints. */
export interface Printed {
  /** The document json and yaml print and --query reads. */
  document: unknown;
  /** What table and text show without --query: the list of records (default: the document). */
  records?: unknown;
  /** The command's own table (default: the records as a table). */
  table?: (width: number | undefined) => string;
}

export interface PrintSettings {
  output?: OutputFormat | undefined;
  query?: string | undefined;
}

const require = createRequire(import.meta.url);

export function checkOutputFormat(value: string | undefined): OutputFormat | undefined {
  if (value === undefined) return undefined;
  if ((OUTPUT_FORMATS as readonly string[]).includes(value)) return value as OutputFormat;
  throw new UsageError(`--output takes ${OUTPUT_FORMATS.join(', ')}; got ${JSON.stringify(value)}`);
}

/** The chosen format, else JSON on a pipe and `forTerminal` on a terminal. */
export function resolveFormat(chosen: OutputFormat | undefined, stream: OutputStream, forTerminal: OutputFormat): OutputFormat {
  return chosen ?? (stream.isTTY ? forTerminal : 'json');
}

/** Columns to fit a table or help to: the terminal's, else COLUMNS (e.g. `COLUMNS=80 … -o table | less`), else none. */
export function terminalWidth(stream: OutputStream, env: Readonly<Record<string, string | undefined>>): number | undefined {
  if (stream.isTTY && stream.columns) return stream.columns;
  const fromEnv = Number(env['COLUMNS']);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined;
}

/** A JMESPath expression checked once, before anything is sent: a typo should not cost a call. */
export function checkQuery(expression: string | undefined): string | undefined {
  if (expression === undefined) return undefined;
  try {
    jmespath().compile(expression);
  } catch (error) {
    throw new UsageError(`--query ${JSON.stringify(expression)} is not a JMESPath expression: ${(error as Error).message}`);
  }
  return expression;
}

export function print(
  stream: OutputStream,
  env: Readonly<Record<string, string | undefined>>,
  settings: PrintSettings,
  printed: Printed,
  forTerminal: OutputFormat,
): void {
  const format = resolveFormat(settings.output, stream, forTerminal);
  const queried = settings.query !== undefined;
  const value = queried ? jmespath().search(printed.document, settings.query!) : printed.document;
  const records = queried ? value : (printed.records ?? value);
  if (format === 'json') stream.write(toJson(value));
  else if (format === 'yaml') stream.write(toYaml(value));
  else if (format === 'text') stream.write(renderText(records));
  else {
    const width = terminalWidth(stream, env);
    stream.write(!queried && printed.table ? printed.table(width) : renderValue(records, width));
  }
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export function toYaml(value: unknown): string {
  const YAML = require('yaml') as typeof import('yaml');
  return YAML.stringify(value, { lineWidth: 0 });
}

/** The part of the jmespath package used here (it ships no types of its own). */
interface JmesPath {
  compile(expression: string): unknown;
  search(document: unknown, expression: string): unknown;
}

function jmespath(): JmesPath {
  return require('jmespath') as JmesPath;
}

/** A list as rows, an object as its fields, anything else as itself. */
function renderValue(value: unknown, width: number | undefined): string {
  if (Array.isArray(value)) return renderItems(value, width);
  if (isRecord(value)) return renderFields(value, width);
  return `${cellText(value)}\n`;
}

/** A list of objects as a table: one row per item, one column per field (in order of first appearance). */
function renderItems(items: readonly unknown[], width?: number): string {
  if (items.length === 0) return '(no items)\n';
  if (!items.every(isRecord))
    return renderTable(
      ['VALUE'],
      items.map((v) => [cellText(v)]),
      width,
    );
  const columns = columnsOf(items);
  return renderTable(
    columns.map((c) => c.toUpperCase()),
    items.map((item) => columns.map((key) => cellText(item[key]))),
    width,
  );
}

/** Any value as a two-column table of dotted field paths and values. */
function renderFields(value: unknown, width?: number): string {
  return renderTable(['FIELD', 'VALUE'], fieldRows(value), width);
}

/**
 * Tab-separated text, one record a line, no header: a list gives a line per item (an object's fields in
 * the order of first appearance across the list, so that `cut -f2` is the same field on every line);
 * an object gives a `path<TAB>value` line per field.
 */
function renderText(value: unknown): string {
  const clean = (cell: string): string => cell.replace(/[\t\r\n]+/g, ' ');
  let lines: string[];
  if (Array.isArray(value)) {
    const columns = value.every(isRecord) ? columnsOf(value) : undefined;
    lines = value.map((item) => {
      if (columns && isRecord(item)) return columns.map((key) => clean(cellText(item[key]))).join('\t');
      return Array.isArray(item) ? item.map((cell) => clean(cellText(cell))).join('\t') : clean(cellText(item));
    });
  } else if (isRecord(value)) {
    lines = fieldRows(value).map(([path, cell]) => `${path}\t${clean(cell)}`);
  } else {
    lines = [clean(cellText(value))];
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function fieldRows(value: unknown): [string, string][] {
  const rows: [string, string][] = [];
  const walk = (node: unknown, path: string): void => {
    if (isRecord(node) && Object.keys(node).length > 0) {
      for (const [key, member] of Object.entries(node)) walk(member, path ? `${path}.${key}` : key);
    } else {
      rows.push([path || '(result)', cellText(node)]);
    }
  };
  walk(value, '');
  return rows;
}

function columnsOf(items: readonly Record<string, unknown>[]): string[] {
  const columns = new Set<string>();
  for (const item of items) for (const key of Object.keys(item)) columns.add(key);
  return [...columns];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
