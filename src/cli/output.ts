/**
 * Printing results: JSON for programs (the default when stdout is not a terminal), YAML or a table for
 * people (the default on a terminal). The YAML library is loaded only when YAML is printed.
 */
import { createRequire } from 'node:module';
import { UsageError } from './argv.js';

const OUTPUT_FORMATS = ['json', 'yaml', 'table'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
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

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export function toYaml(value: unknown): string {
  const YAML = require('yaml') as typeof import('yaml');
  return YAML.stringify(value, { lineWidth: 0 });
}

/** Rows of cells under a header, columns padded to the widest cell and narrowed to fit `width` if given. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], width?: number): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => cell.replace(/\s*\n\s*/g, ' ')));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => displayWidth(row[column] ?? ''))));
  const gap = 2;
  if (width !== undefined) {
    // Narrow the widest column first, never below a readable minimum.
    while (widths.reduce((a, b) => a + b, 0) + gap * (widths.length - 1) > width) {
      const widest = widths.indexOf(Math.max(...widths));
      if (widths[widest]! <= 12) break;
      widths[widest]!--;
    }
  }
  return (
    cells
      .map((row) =>
        row
          .map((cell, column) => {
            const fitted = truncate(cell, widths[column]!);
            return column === row.length - 1 ? fitted : fitted + ' '.repeat(widths[column]! - displayWidth(fitted) + gap);
          })
          .join('')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** A list of objects as a table: one row per item, one column per scalar field (in order of first appearance). */
export function renderItems(items: readonly unknown[], width?: number): string {
  if (items.length === 0) return '(no items)\n';
  const columns: string[] = [];
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return renderTable(['VALUE'], items.map((v) => [cellText(v)]), width);
    for (const key of Object.keys(item)) if (!columns.includes(key)) columns.push(key);
  }
  const rows = items.map((item) => columns.map((key) => cellText((item as Record<string, unknown>)[key])));
  return renderTable(columns.map((c) => c.toUpperCase()), rows, width);
}

/** Any value as a two-column table of dotted field paths and values. */
export function renderFields(value: unknown, width?: number): string {
  const rows: string[][] = [];
  const walk = (node: unknown, path: string): void => {
    if (node !== null && typeof node === 'object' && !Array.isArray(node) && Object.keys(node).length > 0) {
      for (const [key, member] of Object.entries(node)) walk(member, path ? `${path}.${key}` : key);
    } else {
      rows.push([path || '(result)', cellText(node)]);
    }
  };
  walk(value, '');
  return renderTable(['FIELD', 'VALUE'], rows, width);
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return value.join(', ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  for (const char of text) {
    if (displayWidth(out + char) > width - 1) break;
    out += char;
  }
  return out + '…';
}

/** Terminal columns a text takes: CJK and full-width characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += isWide(char.codePointAt(0)!) ? 2 : 1;
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}
