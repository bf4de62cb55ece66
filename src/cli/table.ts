/**
 * Tables that fit the terminal. Identifying columns (ids, names, routes, actions, fields) are never
 * cut: two rows that differ only past a cut would look the same. When the table is too wide, columns
 * that are empty in every row go first, then the widest free-text column is narrowed (never below a
 * readable minimum) and its cells wrap onto continuation lines at word boundaries, so nothing is lost.
 */

const GAP = 2;
/** A free-text column is narrowed down to its longest word, but not past this (a long JSON cell is then cut inside). */
const MIN_FREE_TEXT = 12;
const MAX_UNBROKEN_WORD = 24;
/** The narrowest a free-text column gets when even broken words must make room. */
const MIN_BROKEN = 6;

/** Headers of columns that identify a row: their cells are never narrowed. */
const IDENTIFYING = /(ID|NAME|^ROUTE|^ACTION|^WAITER|^FIELD|^POLLS)$/i;

/** Rows of cells under a header, columns padded to the widest cell and fitted to `width` if given. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], width?: number): string {
  let columns = header.map((title, index) => ({ title, cells: rows.map((row) => flatten(row[index] ?? '')) }));
  const total = (widths: readonly number[]): number => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  const natural = (column: (typeof columns)[number]): number => Math.max(displayWidth(column.title), ...column.cells.map(displayWidth));
  if (width !== undefined && total(columns.map(natural)) > width) columns = columns.filter((column) => column.cells.some((cell) => cell !== ''));
  const widths = columns.map(natural);
  const left: string[] = [];
  if (width !== undefined) {
    // Identifying columns keep their natural width. Prose (cells with spaces) gives way first, down to
    // its longest word (capped, so a long JSON cell does not hold the table wide); prose that still has
    // no room is left out, named under the table, rather than squeezing timestamps and model names into
    // wrapped fragments; only then do the other free columns narrow, down to a bare minimum.
    const free = columns.map((column) => !IDENTIFYING.test(column.title));
    const prose = columns.map((column, i) => free[i]! && column.cells.some((cell) => cell.includes(' ')));
    const byWords = columns.map((column, i) => Math.min(widths[i]!, Math.max(MIN_FREE_TEXT, Math.min(MAX_UNBROKEN_WORD, longestWord(column)))));
    narrow(widths, prose, byWords, width);
    while (total(widths) > width && prose.some(Boolean)) {
      const widest = widths.reduce((best, w, i) => (prose[i] && (best === -1 || w > widths[best]!) ? i : best), -1);
      left.push(columns[widest]!.title);
      for (const list of [columns, widths, free, prose, byWords] as unknown[][]) list.splice(widest, 1);
    }
    narrow(widths, free, byWords, width);
    narrow(
      widths,
      free,
      widths.map((w) => Math.min(w, MIN_BROKEN)),
      width,
    );
  }
  const lines: string[] = [];
  const table = [columns.map((column) => column.title), ...rows.map((_, r) => columns.map((column) => column.cells[r]!))];
  for (const row of table) {
    const wrapped = row.map((cell, c) => wrap(cell, widths[c]!));
    const height = Math.max(...wrapped.map((cellLines) => cellLines.length));
    for (let line = 0; line < height; line++) {
      const text = wrapped.map((cellLines, c) => (c === wrapped.length - 1 ? (cellLines[line] ?? '') : pad(cellLines[line] ?? '', widths[c]! + GAP))).join('');
      lines.push(text.trimEnd());
    }
  }
  if (left.length) lines.push(`(${left.join(', ')} left out to fit ${width} columns; -o yaml shows every field)`);
  return lines.join('\n') + '\n';
}

/** Takes columns off the widest of the chosen columns, one at a time, until the table fits or each is at its floor. */
function narrow(widths: number[], chosen: readonly boolean[], floors: readonly number[], width: number): void {
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (chosen[i] && w > floors[i]! && (widest === -1 || w > widths[widest]!)) widest = i;
    });
    if (widest === -1) return; // what is left identifies rows: better a long line than a cut id
    widths[widest]!--;
  }
}

function longestWord(column: { title: string; cells: readonly string[] }): number {
  return Math.max(displayWidth(column.title), ...column.cells.flatMap((cell) => cell.split(' ').map(displayWidth)));
}

function flatten(cell: string): string {
  return cell.replace(/\s*\n\s*/g, ' ');
}

function pad(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Lines of at most `width` columns, broken at spaces where there are any, else inside the word. */
export function wrap(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/(?<= )/)) {
    if (line !== '' && displayWidth(line + word.trimEnd()) > width) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += word;
    while (displayWidth(line.trimEnd()) > width) {
      const [head, rest] = splitAt(line, width);
      lines.push(head);
      line = rest;
    }
  }
  if (line.trimEnd() !== '') lines.push(line.trimEnd());
  return lines;
}

function splitAt(text: string, width: number): [string, string] {
  let head = '';
  for (const char of text) {
    if (displayWidth(head + char) > width) break;
    head += char;
  }
  return [head, text.slice(head.length)];
}

/** Terminal columns a text takes: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
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
