/**
 * Progress on stderr, so that stdout stays the result alone. On a terminal one line is redrawn in
 * place; on a pipe (a log file, CI) each update is a line of its own, since carriage returns would
 * garble it.
 */
import type { OutputStream } from './output.js';
import type { WaitProgress } from '../index.js';

const CLEAR_LINE = '\r\x1b[K';
const BAR_WIDTH = 24;

export interface WaitReporter {
  update(progress: WaitProgress): void;
  /** Ends the redrawn line, so that what follows starts on a fresh one. */
  finish(): void;
}

export function waitReporter(stream: OutputStream, waiterName: string, successStatuses: readonly string[]): WaitReporter {
  let drawn = false;
  return {
    update(progress) {
      const done = progress.status !== undefined && successStatuses.includes(progress.status);
      const percent = done ? 100 : percentOf(progress.progress);
      const status = progress.error ? `poll failed (${progress.error.code}), polling on` : (progress.status ?? '(no status)');
      const when = `poll ${progress.attempt}, ${formatElapsed(progress.elapsedMs)}`;
      if (!stream.isTTY) {
        stream.write(`${waiterName}: ${status}${progress.progress === undefined ? '' : ` ${progress.progress}`} (${when})\n`);
        return;
      }
      const bar = percent === undefined ? '' : ` ${progressBar(percent)} ${String(Math.round(percent)).padStart(3)}%`;
      stream.write(`${CLEAR_LINE}${waiterName}${bar}  ${status}  (${when})`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}

/** "40%", "40", 40 → 40; anything else → undefined. */
function percentOf(progress: string | undefined): number | undefined {
  const match = progress === undefined ? null : /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(progress);
  if (!match) return undefined;
  return Math.min(100, Number(match[1]));
}

function progressBar(percent: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) / 100) * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}]`;
}

function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}

/** Pages fetched so far, redrawn in place; silent unless the stream is a terminal. */
export function pageReporter(stream: OutputStream): { update(pages: number, items: number): void; finish(): void } {
  let drawn = false;
  return {
    update(pages, items) {
      if (!stream.isTTY) return;
      stream.write(`${CLEAR_LINE}fetched ${pages} page${pages === 1 ? '' : 's'}, ${items} item${items === 1 ? '' : 's'}…`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write(CLEAR_LINE);
      drawn = false;
    },
  };
}
