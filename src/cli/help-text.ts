/**
 * Help fitted to the terminal. A paragraph with a line wider than the terminal (or COLUMNS) is reflowed
 * to fit: broken at spaces, its continuation lines under the text they continue, that is under the
 * description in an option table ("  --endpoint URL        console endpoint …"), else under the line's
 * own indentation. Paragraphs that fit stay as written; on a pipe without COLUMNS, all of it does.
 */
import type { CommandContext } from './context.js';
import { terminalWidth } from './output.js';
import { displayWidth, wrap } from './table.js';

const USAGE = 'Usage: ';

export function printHelp(ctx: Pick<CommandContext, 'io' | 'env'>, text: string): void {
  const width = terminalWidth(ctx.io.stdout, ctx.env);
  ctx.io.stdout.write(width === undefined ? text : fitHelp(text, width));
}

export function fitHelp(text: string, width: number): string {
  const lines = text.split('\n');
  const fitted: string[] = [];
  for (let i = 0; i < lines.length; ) {
    // A blank line, or a command to copy: as written (the terminal wraps a long command, which stays whole).
    if (lines[i]!.trim() === '' || isCommand(lines[i]!)) {
      fitted.push(lines[i++]!);
      continue;
    }
    const hang = hangingIndent(lines[i]!, width);
    // The paragraph: this line and the lines after it that continue its text at the hanging indent.
    let end = i + 1;
    while (end < lines.length && continues(lines[end]!, lines[end - 1]!, hang)) end++;
    const paragraph = lines.slice(i, end);
    if (paragraph.every((line) => displayWidth(line) <= width)) fitted.push(...paragraph);
    else {
      const head = paragraph[0]!.slice(0, hang);
      const words = paragraph.map((line, n) => (n === 0 ? line.slice(hang) : line.trim())).join(' ');
      const [first = '', ...rest] = wrap(words, width - hang);
      fitted.push(head + first, ...rest.map((piece) => ' '.repeat(hang) + piece));
    }
    i = end;
  }
  return fitted.join('\n');
}

/**
 * Where a line's text continues: after "Usage: ", after a list item's dash, at the description column
 * of an option line, else at the line's indentation.
 */
function hangingIndent(line: string, width: number): number {
  if (line.startsWith(USAGE)) return USAGE.length;
  if (isListItem(line)) return indentation(line) + 2;
  const column = /^(\s*\S.*?\s{2,})\S/.exec(line)?.[1]?.length;
  if (column !== undefined && column <= width / 2) return column;
  return indentation(line);
}

/**
 * A line continues the paragraph above when it is text indented exactly as the paragraph's text is,
 * unless it starts a list item or is a command, or the line above ends a heading or a lead-in (":").
 */
function continues(line: string, above: string, hang: number): boolean {
  return line.trim() !== '' && indentation(line) === hang && !isListItem(line) && !isCommand(line) && !above.endsWith(':');
}

function isListItem(line: string): boolean {
  return /^\s*- /.test(line);
}

function isCommand(line: string): boolean {
  return /^\s*(?:\$ )?qianfan-console /.test(line);
}

function indentation(line: string): number {
  return line.length - line.trimStart().length;
}
