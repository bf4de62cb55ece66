/**
 * The one interpreter of `emulation:` blocks. Nothing here knows any particular action: create,
 * describe, list, update and delete are read from the block, so a YAML file dropped on the search
 * path is emulated like a shipped one.
 */
import type { LoadedAction } from '../descriptors/store.js';
import type { ActionDescriptor } from '../descriptors/types.js';
import { ConsoleError, invalidParameter, resourceNotFound } from './console-error.js';
import { ownField, readPath, writePath } from './dotted.js';
import type { EmulationBlock, Returns } from './emulation.js';
import { currentFields, lifecycleMoment } from './lifecycle.js';
import type { EmulatorState, StoredRecord, WalkOptions } from './state.js';
import { fill, fillFields, type TemplateContext } from './templates.js';

export interface EngineClock {
  /** The emulator's clock, which already runs at the emulator's speed. */
  now(): number;
}

type Body = Record<string, unknown>;

/** Page size when neither the body nor its schema's default gives one (reference §6). */
const DEFAULT_PAGE_SIZE = 10;

/** A record's view as last worked out, and what it was worked out from besides the record itself. */
interface CachedView {
  moment: string;
  parent: Body | undefined;
  view: Readonly<Body>;
  /** Its JSON text, once asked for. */
  json?: string;
}

export class Engine {
  /**
   * Views of records with a lifecycle. A stored record is never changed in place (an update stores a new
   * one), and its view depends only on it, its lifecycle's moment and its parent's view: while those are
   * the same, so is the view, which is then shared (frozen) instead of being rebuilt on every read.
   */
  readonly #views = new WeakMap<StoredRecord, CachedView>();
  /** The same entries by view, for serialize. */
  readonly #byView = new WeakMap<object, CachedView>();

  constructor(
    private readonly state: EmulatorState,
    private readonly clock: EngineClock,
  ) {}

  /** A result as JSON text (undefined for undefined, as JSON.stringify has it); a shared view is serialised once. */
  serialize(result: unknown): string | undefined {
    const cached = typeof result === 'object' && result !== null ? this.#byView.get(result) : undefined;
    if (cached === undefined) return JSON.stringify(result);
    return (cached.json ??= JSON.stringify(result));
  }

  /** The result of an action with an emulation block, or a ConsoleError. */
  run(action: LoadedAction, block: EmulationBlock, body: Body): unknown {
    switch (block.kind) {
      case 'create':
        return this.#create(block, body);
      case 'describe':
        return this.#answer(block.returns ?? 'record', this.#find(block, body), body);
      case 'list':
        return this.#list(block, body, action.descriptor);
      case 'update':
        return this.#update(block, body);
      case 'delete':
        return this.#delete(block, body);
    }
  }

  /** The record as the console would show it now: its fields, with its lifecycle worked out. */
  #view(record: StoredRecord): Body {
    if (!record.lifecycle) return record.data;
    const nowMs = this.clock.now();
    const moment = lifecycleMoment(record, nowMs);
    const parent = this.#parentView(record);
    const cached = this.#views.get(record);
    if (cached !== undefined && cached.moment === moment && cached.parent === parent) return cached.view;
    const entry: CachedView = { moment, parent, view: Object.freeze(currentFields(record, nowMs, parent)) };
    this.#views.set(record, entry);
    this.#byView.set(entry.view, entry);
    return entry.view;
  }

  #create(block: EmulationBlock, body: Body): unknown {
    const idField = block.idField!;
    let parent: StoredRecord['parent'];
    let parentView: Body | undefined;
    if (block.parent) {
      const parentId = body[block.parent.field];
      const parentRecord = typeof parentId === 'string' ? this.state.get(block.parent.resource, parentId) : undefined;
      if (!parentRecord) throw resourceNotFound(block.parent.field, parentId);
      parent = { resource: block.parent.resource, id: parentRecord.id };
      parentView = this.#view(parentRecord);
    }
    const nowMs = this.clock.now();
    const id = this.state.newId(block.resource, block.idPrefix!);
    const context = { nowMs, id, body, parent: parentView };
    // The id field first, for readability; the body wins over the defaults, `set` over the body, the id over all.
    const data = { [idField]: id, ...fillFields(block.defaults, context), ...structuredClone(body), ...fillFields(this.#createSet(block), context) };
    data[idField] = id;
    const record = this.state.add(block.resource, {
      id,
      data,
      ...(parent ? { parent } : {}),
      ...(block.lifecycle ? { lifecycle: { spec: block.lifecycle, startedAtMs: nowMs } } : {}),
    });
    return this.#answer(block.returns ?? [idField], record, body);
  }

  #update(block: EmulationBlock, body: Body): unknown {
    const record = this.#find(block, body);
    const current = this.#view(record);
    this.#checkPrecondition(block, current, body);
    const changes = block.set === '$body' ? structuredClone(body) : fillFields(block.set, this.#context(record, body, current));
    const lifecycle = record.lifecycle;
    let updated: StoredRecord;
    if (lifecycle && lifecycle.spec.field in changes) {
      // Setting the status by hand (Stop) freezes the lifecycle where it stands; the progress field
      // belongs to a running stage only, so it goes.
      const frozen = { ...current };
      if (lifecycle.spec.progress) delete frozen[lifecycle.spec.progress];
      const { lifecycle: _stopped, ...rest } = record;
      updated = { ...rest, data: { ...frozen, ...changes } };
    } else {
      updated = { ...record, data: { ...record.data, ...changes } };
    }
    this.state.replace(block.resource, updated);
    return this.#answer(block.returns ?? true, updated, body);
  }

  #delete(block: EmulationBlock, body: Body): unknown {
    const record = this.#find(block, body);
    const current = this.#view(record);
    this.#checkPrecondition(block, current, body);
    this.state.remove(block.resource, record.id);
    return this.#answer(block.returns ?? true, record, body, current);
  }

  #list(block: EmulationBlock, body: Body, descriptor: ActionDescriptor): unknown {
    const pagination = descriptor.pagination;
    const walk: WalkOptions = { reverse: body['pageReverse'] === true };
    if (block.parent && !isBlank(body[block.parent.field])) {
      const parentId = body[block.parent.field];
      if (typeof parentId !== 'string' || !this.state.get(block.parent.resource, parentId)) throw resourceNotFound(block.parent.field, parentId);
      walk.parent = { resource: block.parent.resource, id: parentId };
    }
    const result: Body = {};
    if (!pagination) {
      writePath(
        result,
        block.items!,
        [...this.#matches(block, body, walk)!].map((match) => match.view),
      );
      return result;
    }
    const marker = body[pagination.inputToken];
    const requested = body[pagination.limitKey] ?? schemaDefault(descriptor, pagination.limitKey);
    const pageSize = Math.min(pagination.maxLimit, Math.max(1, typeof requested === 'number' ? Math.floor(requested) : DEFAULT_PAGE_SIZE));
    // The page starts at the marker and reads no further than one match past its end.
    const matches = isBlank(marker)
      ? this.#matches(block, body, walk)
      : typeof marker === 'string'
        ? this.#matches(block, body, { ...walk, fromId: marker })
        : undefined;
    const page: Body[] = [];
    let next: string | undefined;
    for (const match of matches ?? []) {
      if (page.length === 0 && !isBlank(marker) && match.id !== marker) break;
      if (page.length === pageSize) {
        next = match.id;
        break;
      }
      page.push(match.view);
    }
    // The marker must be an item of this list: a record that exists, and passes the filters.
    if (!isBlank(marker) && page.length === 0) {
      throw invalidParameter(
        `${pagination.inputToken} ${JSON.stringify(marker)} is not an item of this list; pass the nextMarker of the previous page, or nothing for the first page`,
      );
    }
    writePath(result, block.items ?? pagination.items, page);
    // pageInfo {marker, maxKeys, isTruncated, nextMarker}: the last two where the pagination block says.
    const infoPath = pagination.outputToken.split('.').slice(0, -1).join('.');
    if (infoPath) {
      writePath(result, `${infoPath}.marker`, typeof marker === 'string' ? marker : '');
      writePath(result, `${infoPath}.maxKeys`, pageSize);
    }
    writePath(result, pagination.moreResults, next !== undefined);
    if (next !== undefined) writePath(result, pagination.outputToken, next);
    return result;
  }

  /** The records the walk reaches that pass the block's filters, with their views, lazily; undefined when the walk's start is unknown. */
  #matches(block: EmulationBlock, body: Body, walk: WalkOptions): Iterable<{ id: string; view: Body }> | undefined {
    const records = this.state.walk(block.resource, walk);
    return records && this.#filtered(records, block, body);
  }

  *#filtered(records: Iterable<StoredRecord>, block: EmulationBlock, body: Body): Generator<{ id: string; view: Body }> {
    for (const record of records) {
      const view = this.#view(record);
      if (matchesFilters(block, view, body)) yield { id: record.id, view };
    }
  }

  /** The record the body names by its id field — or, when it gives none, the first one its filters match. */
  #find(block: EmulationBlock, body: Body): StoredRecord {
    const idField = block.idField!;
    const id = body[idField];
    const given = isBlank(id) ? filterEntries(block).find(([bodyField]) => !isBlank(readPath(body, bodyField))) : undefined;
    if (given) {
      for (const match of this.#matches(block, body, {})!) return this.state.get(block.resource, match.id)!;
      throw resourceNotFound(given[0], readPath(body, given[0]));
    }
    const record = typeof id === 'string' ? this.state.get(block.resource, id) : undefined;
    if (!record) throw resourceNotFound(idField, id);
    return record;
  }

  /** create: `set` is the object form only (the meta-schema allows "$body" for updates). */
  #createSet(block: EmulationBlock): Record<string, unknown> | undefined {
    return block.set === '$body' ? undefined : block.set;
  }

  #checkPrecondition(block: EmulationBlock, current: Body, body: Body): void {
    for (const [field, allowed] of Object.entries(block.onlyFrom ?? {})) {
      const value = ownField(current, field);
      if (!allowed.includes(String(value))) {
        throw new ConsoleError(
          400,
          'InvalidOperation',
          `${block.idField} ${JSON.stringify(body[block.idField!])} has ${field} ${JSON.stringify(value)}; this needs ${field} ${allowed.join(' or ')}`,
        );
      }
    }
  }

  /** The result the block asks for; `current` is the record as shown (a deleted record's last view). */
  #answer(returns: Returns, record: StoredRecord, body: Body, current: Body = this.#view(record)): unknown {
    if (returns === 'record') return current;
    if (returns === 'id') return record.id;
    if (Array.isArray(returns)) return Object.fromEntries(returns.filter((f) => Object.hasOwn(current, f)).map((f) => [f, current[f]]));
    return fill(returns, this.#context(record, body, current));
  }

  #context(record: StoredRecord, body: Body, current: Body): TemplateContext {
    return { nowMs: this.clock.now(), id: record.id, body, record: current, parent: this.#parentView(record) };
  }

  #parentView(record: StoredRecord): Body | undefined {
    if (!record.parent) return undefined;
    const parent = this.state.get(record.parent.resource, record.parent.id);
    return parent ? this.#view(parent) : undefined;
  }
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** The block's filters as [body field (a dotted path), record field] pairs. */
function filterEntries(block: EmulationBlock): Array<[string, string]> {
  if (!block.filters) return [];
  return Array.isArray(block.filters) ? block.filters.map((name) => [name, name]) : Object.entries(block.filters);
}

/** Every filter lets the record through: a blank body value lets everything through; an array means any of its values. */
function matchesFilters(block: EmulationBlock, view: Body, body: Body): boolean {
  return filterEntries(block).every(([bodyField, recordField]) => {
    const wanted = readPath(body, bodyField);
    if (isBlank(wanted)) return true;
    const actual = ownField(view, recordField);
    return Array.isArray(wanted) ? wanted.some((w) => w === actual) : wanted === actual;
  });
}

/** The default the body schema declares for a field (e.g. maxKeys: 100), if any. */
function schemaDefault(descriptor: ActionDescriptor, field: string): unknown {
  const property = (descriptor.body['properties'] as Record<string, { default?: unknown }> | undefined)?.[field];
  return property?.default;
}
