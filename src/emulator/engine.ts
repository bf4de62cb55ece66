/**
 * The one interpreter of `emulation:` blocks. Nothing here knows any particular action: create,
 * describe, list, update and delete are read from the block, so a YAML file dropped on the search
 * path is emulated like a shipped one.
 */
import type { LoadedAction } from '../descriptors/store.js';
import type { ActionDescriptor } from '../descriptors/types.js';
import { readDottedPath } from '../paginate/dotted-path.js';
import { ConsoleError, invalidParameter, resourceNotFound } from './console-error.js';
import type { EmulationBlock, Returns } from './emulation.js';
import { lifecycleFields } from './lifecycle.js';
import type { EmulatorState, StoredRecord } from './state.js';
import { fill, fillFields, type TemplateContext } from './templates.js';

export interface EngineClock {
  now(): number;
  /** Emulated seconds per real second, for lifecycles. */
  speed: number;
}

type Body = Record<string, unknown>;

/** Page size when neither the body nor its schema's default gives one (reference §6). */
const DEFAULT_PAGE_SIZE = 10;

export class Engine {
  constructor(
    private readonly state: EmulatorState,
    private readonly clock: EngineClock,
  ) {}

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
    const { spec, startedAtMs } = record.lifecycle;
    const now = { nowMs: this.clock.now(), speed: this.clock.speed };
    return { ...record.data, ...lifecycleFields(spec, startedAtMs, now, { id: record.id, record: record.data, parent: this.#parentView(record) }) };
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
    let records = this.state.list(block.resource);
    if (block.parent && !isBlank(body[block.parent.field])) {
      const parentId = body[block.parent.field];
      if (typeof parentId !== 'string' || !this.state.get(block.parent.resource, parentId)) throw resourceNotFound(block.parent.field, parentId);
      records = records.filter((r) => r.parent?.resource === block.parent!.resource && r.parent.id === parentId);
    }
    const views = records.map((record) => ({ id: record.id, view: this.#view(record) })).filter(({ view }) => matchesFilters(block, view, body));
    if (body['pageReverse'] === true) views.reverse();
    const result: Body = {};
    if (!pagination) {
      setDottedPath(result, block.items!, views.map((v) => v.view));
      return result;
    }
    const marker = body[pagination.inputToken];
    const requested = body[pagination.limitKey] ?? schemaDefault(descriptor, pagination.limitKey);
    const pageSize = Math.min(pagination.maxLimit, Math.max(1, typeof requested === 'number' ? Math.floor(requested) : DEFAULT_PAGE_SIZE));
    const start = isBlank(marker) ? 0 : views.findIndex((v) => v.id === marker);
    if (start < 0) throw invalidParameter(`${pagination.inputToken} ${JSON.stringify(marker)} is not an item of this list; pass the nextMarker of the previous page, or nothing for the first page`);
    const page = views.slice(start, start + pageSize);
    const next = views[start + pageSize];
    setDottedPath(result, block.items ?? pagination.items, page.map((v) => v.view));
    // pageInfo {marker, maxKeys, isTruncated, nextMarker}: the last two where the pagination block says.
    const infoPath = pagination.outputToken.split('.').slice(0, -1).join('.');
    if (infoPath) {
      setDottedPath(result, `${infoPath}.marker`, typeof marker === 'string' ? marker : '');
      setDottedPath(result, `${infoPath}.maxKeys`, pageSize);
    }
    setDottedPath(result, pagination.moreResults, next !== undefined);
    if (next) setDottedPath(result, pagination.outputToken, next.id);
    return result;
  }

  /** The record the body names by its id field — or, when it gives none, the first one its filters match. */
  #find(block: EmulationBlock, body: Body): StoredRecord {
    const idField = block.idField!;
    const id = body[idField];
    const given = isBlank(id) ? filterEntries(block).find(([bodyField]) => !isBlank(readDottedPath(body, bodyField))) : undefined;
    if (given) {
      const found = this.state.list(block.resource).find((record) => matchesFilters(block, this.#view(record), body));
      if (!found) throw resourceNotFound(given[0], readDottedPath(body, given[0]));
      return found;
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
      const value = current[field];
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
    if (Array.isArray(returns)) return Object.fromEntries(returns.filter((f) => f in current).map((f) => [f, current[f]]));
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
    const wanted = readDottedPath(body, bodyField);
    if (isBlank(wanted)) return true;
    return Array.isArray(wanted) ? wanted.some((w) => w === view[recordField]) : wanted === view[recordField];
  });
}

/** The default the body schema declares for a field (e.g. maxKeys: 100), if any. */
function schemaDefault(descriptor: ActionDescriptor, field: string): unknown {
  const property = (descriptor.body['properties'] as Record<string, { default?: unknown }> | undefined)?.[field];
  return property?.default;
}

function setDottedPath(target: Body, path: string, value: unknown): void {
  const segments = path.split('.');
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (next === null || typeof next !== 'object') node[segment] = {};
    node = node[segment] as Body;
  }
  node[segments[segments.length - 1]!] = value;
}
