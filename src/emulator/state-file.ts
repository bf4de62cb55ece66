/**
 * The emulator's state on disk (`--state FILE`): a snapshot, FILE, and a journal of changes since it,
 * FILE.journal, guarded by a lock file, FILE.lock.
 *
 * A change is one line appended to the journal and flushed (fdatasync) before the call is answered: its
 * cost does not grow with the state. When the journal outgrows the snapshot (and 1 MiB), the state is
 * compacted: the whole state is written to a temporary file beside FILE, flushed and renamed over FILE,
 * then a fresh journal is renamed over the old one. Every journal entry sets a record or removes named
 * records, so replaying a journal over a snapshot that already holds it changes nothing: a crash between
 * the two renames loses nothing, and a crash in the middle of an append leaves a torn last line, which
 * was never acknowledged and is dropped.
 *
 * A snapshot or journal that is not ours (no format marker, another version, damaged) is refused and
 * never written to. The lock holds the owner's pid: a second emulator on the same file is refused while
 * that process lives; a lock whose process is gone is stale and taken over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fdatasyncSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { damageOf, isObject, recordDamage, type StateDocument } from './state-document.js';
import type { StoredRecord } from './state-document.js';

/** One change. A reset may set nextSeq (a loaded document's); without it, creation numbers go on. */
export type JournalEntry = { put: string; record: StoredRecord } | { remove: Array<[resource: string, id: string]> } | { reset: true; nextSeq?: number };

const JOURNAL_FORMAT = 'qianfan-console-emulator-journal';
const JOURNAL_VERSION = 1;
const JOURNAL_HEADER = JSON.stringify({ format: JOURNAL_FORMAT, version: JOURNAL_VERSION }) + '\n';
/** A journal smaller than this is never worth a compaction. */
const MIN_COMPACTION_BYTES = 1024 * 1024;

export interface LoadedState {
  snapshot: StateDocument | undefined;
  entries: JournalEntry[];
}

export class StateFile {
  readonly #journalPath: string;
  readonly #lockPath: string;
  #journal: number | undefined;
  #journalBytes = 0;
  #snapshotBytes = 0;

  /** Takes the lock and removes temporary files a crash left behind. Throws ConfigError StateFileLocked when another emulator holds the file. */
  constructor(readonly path: string) {
    this.#journalPath = `${path}.journal`;
    this.#lockPath = `${path}.lock`;
    acquireLock(this.#lockPath, path);
    removeStaleTemporaries(path);
  }

  /** What is on disk; refuses (ConfigError StateFileRefused) what is not ours. */
  load(): LoadedState {
    const snapshotText = readIfPresent(this.path);
    let snapshot: StateDocument | undefined;
    if (snapshotText !== undefined && snapshotText.trim() !== '') {
      snapshot = parseSnapshot(snapshotText, this.path);
      this.#snapshotBytes = Buffer.byteLength(snapshotText);
    }
    const journalText = readIfPresent(this.#journalPath);
    // Anything but a bare header (no journal yet, changes, a torn line) is folded into the snapshot at once.
    this.#journalBytes = journalText === JOURNAL_HEADER ? 0 : 1;
    return { snapshot, entries: journalText === undefined ? [] : parseJournal(journalText, this.#journalPath) };
  }

  /** Whether the journal holds anything the snapshot may not. */
  get pending(): boolean {
    return this.#journalBytes > 0;
  }

  /** Records changes durably (one write, one flush). Returns true when the journal has outgrown the snapshot and should be compacted. */
  append(entries: readonly JournalEntry[]): boolean {
    const line = entries.map((entry) => JSON.stringify(entry) + '\n').join('');
    this.#journal ??= openSync(this.#journalPath, 'a', 0o600);
    writeSync(this.#journal, line);
    fdatasyncSync(this.#journal);
    this.#journalBytes += Buffer.byteLength(line);
    return this.#journalBytes > Math.max(MIN_COMPACTION_BYTES, this.#snapshotBytes);
  }

  /** Writes the whole state as the new snapshot, then starts an empty journal. */
  compact(document: StateDocument): void {
    const text = JSON.stringify(document, null, 1) + '\n';
    writeAtomically(this.path, text);
    writeAtomically(this.#journalPath, JOURNAL_HEADER);
    if (this.#journal !== undefined) closeSync(this.#journal);
    this.#journal = undefined;
    this.#journalBytes = 0;
    this.#snapshotBytes = Buffer.byteLength(text);
  }

  /** Releases the journal and the lock. */
  close(): void {
    if (this.#journal !== undefined) closeSync(this.#journal);
    this.#journal = undefined;
    rmSync(this.#lockPath, { force: true });
  }
}

function refusal(path: string, why: string): ConfigError {
  return new ConfigError(
    `refusing to use ${path} as the emulator's state file: ${why}. The file was left as it is; move it away or pass another --state file.`,
    {
      code: 'StateFileRefused',
    },
  );
}

function readIfPresent(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read the emulator's state file ${path}: ${(error as Error).message}`, { code: 'StateFileRefused' });
  }
}

function parseSnapshot(text: string, path: string): StateDocument {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw refusal(path, `it is not JSON (${(error as Error).message})`);
  }
  const damage = damageOf(document);
  if (damage) throw refusal(path, damage);
  return document as StateDocument;
}

function parseJournal(text: string, path: string): JournalEntry[] {
  if (text === '') return [];
  const lines = text.split('\n');
  // The text after the last newline is a torn append (or nothing): never acknowledged, so dropped.
  lines.pop();
  if (lines.length === 0) {
    if (JOURNAL_HEADER.startsWith(text)) return [];
    throw refusal(path, `it is not a journal of this emulator (it has no "format": "${JOURNAL_FORMAT}" marker)`);
  }
  let header: unknown;
  try {
    header = JSON.parse(lines[0]!);
  } catch {
    header = undefined;
  }
  if (!isObject(header) || header['format'] !== JOURNAL_FORMAT)
    throw refusal(path, `it is not a journal of this emulator (its first line has no "format": "${JOURNAL_FORMAT}" marker)`);
  if (header['version'] !== JOURNAL_VERSION)
    throw refusal(path, `it has journal version ${JSON.stringify(header['version'])}, and this emulator reads version ${JOURNAL_VERSION}`);
  return lines.slice(1).map((line, index) => {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      entry = undefined;
    }
    const damage = entryDamage(entry);
    if (damage) throw refusal(path, `it is damaged: line ${index + 2} ${damage}`);
    return entry as JournalEntry;
  });
}

function entryDamage(entry: unknown): string | undefined {
  if (!isObject(entry)) return 'is not a JSON object';
  if (typeof entry['put'] === 'string') return recordDamage(entry['record']);
  if (Array.isArray(entry['remove'])) {
    return entry['remove'].every((pair) => Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string'))
      ? undefined
      : 'has a remove that is not a list of [resource, id]';
  }
  if (entry['reset'] !== true) return 'is not a put, remove or reset';
  return entry['nextSeq'] === undefined || Number.isSafeInteger(entry['nextSeq']) ? undefined : 'has a nextSeq that is not an integer';
}

function acquireLock(lockPath: string, statePath: string): void {
  // Two tries: the second after removing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, `${process.pid}\n`);
      } finally {
        closeSync(fd);
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ConfigError(`cannot use ${statePath} as the emulator's state file: creating its lock ${lockPath} failed: ${(error as Error).message}`, {
          code: 'StateFileRefused',
        });
      }
    }
    const owner = Number.parseInt(readIfPresent(lockPath) ?? '', 10);
    if (Number.isSafeInteger(owner) && owner > 0 && isRunning(owner)) {
      throw new ConfigError(
        `${statePath} is in use by another emulator (process ${owner}, lock file ${lockPath}): two emulators on one state file would lose each other's changes. Stop that one, or pass another --state file.`,
        { code: 'StateFileLocked' },
      );
    }
    rmSync(lockPath, { force: true });
  }
  throw new ConfigError(`cannot lock the emulator's state file ${statePath}: ${lockPath} keeps reappearing`, { code: 'StateFileLocked' });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function temporaryPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/** Temporary files of an interrupted write; the lock is held, so no live writer owns them. */
function removeStaleTemporaries(path: string): void {
  const prefix = temporaryPrefix(path);
  const directory = dirname(path);
  for (const name of readdirSync(directory)) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) rmSync(join(directory, name), { force: true });
  }
}

/** Temporary file beside the target, flushed to disk, then renamed over it; the directory is flushed so the rename lasts. */
function writeAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `${temporaryPrefix(path)}${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  const directory = openSync(dirname(path), 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}
