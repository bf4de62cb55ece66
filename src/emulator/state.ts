/**
 * The emulator's records, in memory, optionally kept in a file (`--state FILE`, see state-file.ts).
 *
 * Each resource keeps its records in creation order with an index by id, and each record with a parent
 * is also listed under that parent, so reading a page, finding a record's children or deleting a tree
 * costs what it touches, not what is stored.
 */
import { randomInt } from 'node:crypto';
import { OrderedRecords } from './ordered-records.js';
import { damageOf, STATE_FORMAT, STATE_VERSION, type StateDocument, type StoredRecord } from './state-document.js';
import { StateFile, type JournalEntry } from './state-file.js';

export type { StateDocument, StoredRecord } from './state-document.js';

export interface WalkOptions {
  /** Only the records of this parent. */
  parent?: { resource: string; id: string };
  /** Start at this record (inclusive) instead of the first. */
  fromId?: string;
  /** Newest first. */
  reverse?: boolean;
}

const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** Ids look like the console's: a prefix and twelve lower-case letters and digits (job-1xzycis4jm3b). */
const ID_LENGTH = 12;

type Records = OrderedRecords<StoredRecord>;

export class EmulatorState {
  readonly #resources = new Map<string, Records>();
  /** Per parent (resource NUL id), its children per child resource. */
  readonly #children = new Map<string, Map<string, Records>>();
  #file: StateFile | undefined;
  #nextSeq = 1;

  /**
   * Opens the state, reading `path` when given and present. An unusable file is refused with a ConfigError
   * (code StateFileRefused); a file another emulator holds, with code StateFileLocked.
   */
  constructor(readonly path?: string) {
    if (path === undefined) return;
    const file = new StateFile(path);
    try {
      this.#load(file);
    } catch (error) {
      file.close();
      throw error;
    }
    this.#file = file;
  }

  get(resource: string, id: string): StoredRecord | undefined {
    return this.#resources.get(resource)?.get(id);
  }

  /** The records of a resource in creation order. */
  list(resource: string): StoredRecord[] {
    return [...this.walk(resource)!];
  }

  /** The records of a resource (or of one parent) in creation order, lazily; undefined when `fromId` is not among them. */
  walk(resource: string, options: WalkOptions = {}): Iterable<StoredRecord> | undefined {
    const records = options.parent ? this.#children.get(parentKey(options.parent))?.get(resource) : this.#resources.get(resource);
    if (options.fromId !== undefined && !records?.has(options.fromId)) return undefined;
    return records?.walk(options.fromId, options.reverse) ?? [];
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
    const stored: StoredRecord = { ...record, seq: this.#nextSeq };
    this.#commit({ put: resource, record: stored });
    return stored;
  }

  /** Replaces a record, keeping its place in the order (and its parent). */
  replace(resource: string, record: StoredRecord): void {
    this.#commit({ put: resource, record });
  }

  /** Removes a record and, transitively, every record whose parent it is. */
  remove(resource: string, id: string): void {
    const removed: Array<[string, string]> = [];
    this.#collectTree(resource, id, removed);
    this.#commit({ remove: removed });
  }

  /** Forgets every record. */
  reset(): void {
    this.#commit({ reset: true });
  }

  /** Every record by resource, as the state file holds them. */
  snapshot(): StateDocument {
    return this.#document();
  }

  /**
   * Replaces every record with a document's (a seed, or an earlier snapshot). A document that is not one
   * leaves the state as it was: Error says why. Journalled as a reset and a put per record, so a crash
   * at any point leaves either the old state or the new one.
   */
  load(document: unknown): void {
    const problem = damageOf(document);
    if (problem) throw new Error(problem);
    const { nextSeq, resources } = structuredClone(document as StateDocument);
    const entries: JournalEntry[] = [{ reset: true, nextSeq }];
    for (const [resource, records] of Object.entries(resources)) {
      for (const record of records.sort((a, b) => a.seq - b.seq)) entries.push({ put: resource, record });
    }
    this.#commit(entries);
  }

  /** With a state file: writes the whole state as one snapshot and releases the file's lock (once; later changes stay in memory). */
  close(): void {
    const file = this.#file;
    if (!file) return;
    this.#file = undefined;
    try {
      if (file.pending) file.compact(this.#document());
    } finally {
      file.close();
    }
  }

  /** Journals a change (durably, before anyone is told), then applies it; compacts the journal when it has grown. */
  #commit(change: JournalEntry | JournalEntry[]): void {
    const entries = Array.isArray(change) ? change : [change];
    const compactionDue = this.#file?.append(entries) ?? false;
    for (const entry of entries) this.#apply(entry);
    if (!compactionDue) return;
    try {
      this.#file!.compact(this.#document());
    } catch {
      // The journal still holds every change, durably; the next write tries again.
    }
  }

  #apply(entry: JournalEntry): void {
    if ('put' in entry) {
      const { record } = entry;
      this.#collection(this.#resources, entry.put).set(record.id, record);
      if (record.parent) {
        let groups = this.#children.get(parentKey(record.parent));
        if (!groups) this.#children.set(parentKey(record.parent), (groups = new Map()));
        this.#collection(groups, entry.put).set(record.id, record);
      }
      this.#nextSeq = Math.max(this.#nextSeq, record.seq + 1);
    } else if ('remove' in entry) {
      for (const [resource, id] of entry.remove) this.#removeOne(resource, id);
    } else {
      this.#resources.clear();
      this.#children.clear();
      if (entry.nextSeq !== undefined) this.#nextSeq = entry.nextSeq;
    }
  }

  #removeOne(resource: string, id: string): void {
    const record = this.get(resource, id);
    if (!record) return;
    this.#resources.get(resource)!.delete(id);
    if (record.parent) this.#children.get(parentKey(record.parent))?.get(resource)?.delete(id);
    this.#children.delete(parentKey({ resource, id }));
  }

  /** The record and its descendants, parents first. */
  #collectTree(resource: string, id: string, into: Array<[string, string]>): void {
    if (!this.get(resource, id)) return;
    into.push([resource, id]);
    for (const [childResource, children] of this.#children.get(parentKey({ resource, id })) ?? []) {
      for (const child of children.walk()) this.#collectTree(childResource, child.id, into);
    }
  }

  #collection(map: Map<string, Records>, resource: string): Records {
    let records = map.get(resource);
    if (!records) map.set(resource, (records = new OrderedRecords()));
    return records;
  }

  #load(file: StateFile): void {
    const { snapshot, entries } = file.load();
    if (snapshot) {
      for (const [resource, records] of Object.entries(snapshot.resources)) {
        for (const record of records.sort((a, b) => a.seq - b.seq)) this.#apply({ put: resource, record });
      }
      this.#nextSeq = Math.max(this.#nextSeq, snapshot.nextSeq);
    }
    // Replaying is idempotent (see state-file.ts), so a journal that the snapshot already holds is harmless.
    for (const entry of entries) this.#apply(entry);
    // Folds the journal in, drops a torn last line, and makes the file ours from the start.
    if (!snapshot || entries.length > 0 || file.pending) file.compact(this.#document());
  }

  #document(): StateDocument {
    const resources = Object.create(null) as Record<string, StoredRecord[]>;
    for (const [name, records] of this.#resources) resources[name] = [...records.walk()];
    return { format: STATE_FORMAT, version: STATE_VERSION, nextSeq: this.#nextSeq, resources };
  }
}

function parentKey(parent: { resource: string; id: string }): string {
  return `${parent.resource}\u0000${parent.id}`;
}
