/**
 * The emulator's records, in memory, optionally kept in a file (`--state FILE`).
 *
 * Every change is written whole to a temporary file in the same directory, flushed, then renamed over
 * the state file, so the file is always either the old state or the new one — never half of each.
 * A file that is not JSON, lacks the format marker or has an unknown version is refused when the
 * emulator starts and never written to: it may be something else the user cares about.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { Lifecycle } from './emulation.js';

export interface StoredRecord {
  id: string;
  /** Creation order; lists follow it. */
  seq: number;
  /** The record this one belongs to; deleting that deletes this. */
  parent?: { resource: string; id: string };
  /** The record's fields as the console shows them. */
  data: Record<string, unknown>;
  /** A running lifecycle: its definition, copied from the create action, and when it started. */
  lifecycle?: { spec: Lifecycle; startedAtMs: number };
}

const STATE_FORMAT = 'qianfan-console-emulator-state';
const STATE_VERSION = 1;

/** The whole state as JSON: the state file's content, and what the control plane's /_emulator/api/state reads and loads. */
export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  nextSeq: number;
  resources: Record<string, StoredRecord[]>;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Ids look like the console's: a prefix and twelve lower-case letters and digits (job-1xzycis4jm3b). */
const ID_LENGTH = 12;

export class EmulatorState {
  /** Per resource, records by id; a Map keeps insertion (creation) order. */
  readonly #resources = new Map<string, Map<string, StoredRecord>>();
  #nextSeq = 1;

  /** Opens the state, reading `path` when given and present. An unusable file is refused with a ConfigError (code StateFileRefused). */
  constructor(readonly path?: string) {
    if (path !== undefined) this.#load(path);
  }

  get(resource: string, id: string): StoredRecord | undefined {
    return this.#resources.get(resource)?.get(id);
  }

  /** The records of a resource in creation order. */
  list(resource: string): StoredRecord[] {
    return [...(this.#resources.get(resource)?.values() ?? [])];
  }

  /** A fresh id with the given prefix, unused in the resource. */
  newId(resource: string, prefix: string): string {
    for (;;) {
      let id = prefix;
      for (let i = 0; i < ID_LENGTH; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
      if (!this.get(resource, id)) return id;
    }
  }

  add(resource: string, record: Omit<StoredRecord, 'seq'>): StoredRecord {
    const stored: StoredRecord = { ...record, seq: this.#nextSeq++ };
    this.#collection(resource).set(stored.id, stored);
    this.#save();
    return stored;
  }

  /** Replaces a record, keeping its place in the order. */
  replace(resource: string, record: StoredRecord): void {
    this.#collection(resource).set(record.id, record);
    this.#save();
  }

  /** Removes a record and, transitively, every record whose parent it is. */
  remove(resource: string, id: string): void {
    this.#removeTree(resource, id);
    this.#save();
  }

  /** Forgets every record. */
  reset(): void {
    this.#resources.clear();
    this.#save();
  }

  /** Every record by resource, as the state file holds them. */
  snapshot(): StateDocument {
    return {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      nextSeq: this.#nextSeq,
      resources: Object.fromEntries([...this.#resources].map(([name, records]) => [name, [...records.values()]])),
    };
  }

  /** Replaces every record with a document's (a seed, or an earlier snapshot). A document that is not one leaves the state as it was: Error says why. */
  load(document: unknown): void {
    const problem = documentProblem(document);
    if (problem) throw new Error(problem);
    this.#adopt(structuredClone(document as StateDocument));
    this.#save();
  }

  #removeTree(resource: string, id: string): void {
    this.#resources.get(resource)?.delete(id);
    for (const [childResource, records] of this.#resources) {
      for (const child of [...records.values()]) {
        if (child.parent?.resource === resource && child.parent.id === id) this.#removeTree(childResource, child.id);
      }
    }
  }

  #collection(resource: string): Map<string, StoredRecord> {
    let records = this.#resources.get(resource);
    if (!records) {
      records = new Map();
      this.#resources.set(resource, records);
    }
    return records;
  }

  #load(path: string): void {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new ConfigError(`cannot read the emulator's state file ${path}: ${(error as Error).message}`, { code: 'StateFileRefused' });
    }
    // An empty file (as made by mktemp) holds nothing that could be lost: start afresh in it.
    if (text.trim() === '') return;
    const refuse = (why: string): ConfigError =>
      new ConfigError(`refusing to use ${path} as the emulator's state file: ${why}. The file was left as it is; move it away or pass another --state file.`, {
        code: 'StateFileRefused',
      });
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw refuse(`it is not JSON (${(error as Error).message})`);
    }
    const problem = documentProblem(document);
    if (problem) throw refuse(problem);
    this.#adopt(document as StateDocument);
  }

  #adopt(document: StateDocument): void {
    this.#resources.clear();
    for (const [resource, records] of Object.entries(document.resources)) {
      this.#resources.set(resource, new Map(records.sort((a, b) => a.seq - b.seq).map((r) => [r.id, r])));
    }
    this.#nextSeq = document.nextSeq;
  }

  #save(): void {
    if (this.path === undefined) return;
    writeAtomically(this.path, JSON.stringify(this.snapshot(), null, 1) + '\n');
  }
}

/** Why a value is not a state document of this emulator, or undefined. */
function documentProblem(document: unknown): string | undefined {
  if (!isObject(document) || document['format'] !== STATE_FORMAT) return `it is not a state file of this emulator (it has no "format": "${STATE_FORMAT}" marker)`;
  if (document['version'] !== STATE_VERSION) return `it has state version ${JSON.stringify(document['version'])}, and this emulator reads version ${STATE_VERSION}`;
  const damage = damageOf(document);
  return damage ? `it is damaged: ${damage}` : undefined;
}

/** Temporary file beside the target, flushed to disk, then renamed over it. */
function writeAtomically(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
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
}

/** What is wrong with a document that has the marker and version, or undefined. */
function damageOf(document: Record<string, unknown>): string | undefined {
  if (!Number.isSafeInteger(document['nextSeq'])) return 'nextSeq is not an integer';
  const resources = document['resources'];
  if (!isObject(resources)) return 'resources is not an object';
  for (const [name, records] of Object.entries(resources)) {
    if (!Array.isArray(records)) return `resources.${name} is not a list`;
    for (const [index, record] of records.entries()) {
      const where = `resources.${name}[${index}]`;
      if (!isObject(record) || typeof record['id'] !== 'string' || !Number.isSafeInteger(record['seq']) || !isObject(record['data'])) {
        return `${where} is not a record with id, seq and data`;
      }
      const lifecycle = record['lifecycle'];
      if (lifecycle !== undefined && !(isObject(lifecycle) && isObject(lifecycle['spec']) && Array.isArray(lifecycle['spec']['stages']) && typeof lifecycle['startedAtMs'] === 'number')) {
        return `${where}.lifecycle is not a lifecycle`;
      }
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
