/**
 * The emulator's records as the dashboard shows them: grouped by the console route whose create action
 * makes them, each with its fields worked out at the emulator's current time, and with the status,
 * progress and name picked out so a page does not have to know any resource.
 */
import type { DescriptorStore } from '../descriptors/store.js';
import { emulationOf } from './emulation.js';
import { currentFields } from './lifecycle.js';
import type { EmulatorState, StoredRecord } from './state.js';

export interface RecordView {
  resource: string;
  id: string;
  parent?: { resource: string; id: string };
  name?: unknown;
  status?: unknown;
  progress?: unknown;
  fields: Record<string, unknown>;
}

export interface StateView {
  /** The emulator's clock when the view was taken (epoch milliseconds). */
  nowMs: number;
  /** Route (e.g. /v2/finetuning) → resource → records in creation order. */
  routes: Record<string, Record<string, RecordView[]>>;
}

/** Where records of a resource no descriptor creates are shown (a seed can hold anything). */
const UNKNOWN_ROUTE = 'other';

export class StateViewer {
  /** resource → route, read from the descriptors the first time a view is asked for. */
  #routes: Map<string, string> | undefined;

  constructor(
    private readonly state: EmulatorState,
    private readonly store: DescriptorStore,
  ) {}

  view(nowMs: number): StateView {
    const routes: StateView['routes'] = {};
    const document = this.state.snapshot();
    for (const [resource, records] of Object.entries(document.resources)) {
      if (records.length === 0) continue;
      const route = this.#routeOf(resource);
      const views = records.map((record) => this.#recordView(resource, record, nowMs));
      (routes[route] ??= {})[resource] = views;
    }
    return { nowMs, routes };
  }

  #recordView(resource: string, record: StoredRecord, nowMs: number): RecordView {
    const parentRecord = record.parent && this.state.get(record.parent.resource, record.parent.id);
    const fields = currentFields(record, nowMs, parentRecord ? currentFields(parentRecord, nowMs, undefined) : undefined);
    const statusField = record.lifecycle?.spec.field ?? Object.keys(fields).find((key) => /status$/i.test(key));
    const progressField = record.lifecycle?.spec.progress;
    const nameField = Object.keys(fields).find((key) => key === 'name') ?? Object.keys(fields).find((key) => /name$/i.test(key));
    return {
      resource,
      id: record.id,
      ...(record.parent ? { parent: record.parent } : {}),
      ...(nameField !== undefined ? { name: fields[nameField] } : {}),
      ...(statusField !== undefined && fields[statusField] !== undefined ? { status: fields[statusField] } : {}),
      ...(progressField !== undefined && fields[progressField] !== undefined ? { progress: fields[progressField] } : {}),
      fields,
    };
  }

  #routeOf(resource: string): string {
    if (!this.#routes) {
      this.#routes = new Map();
      for (const entry of this.store.list()) {
        let block: ReturnType<typeof emulationOf>;
        try {
          block = emulationOf(this.store.load(entry));
        } catch {
          continue; // a broken dropped-in descriptor is reported when it is called, not here
        }
        if (block?.kind === 'create' && !this.#routes.has(block.resource)) this.#routes.set(block.resource, entry.route);
      }
    }
    return this.#routes.get(resource) ?? UNKNOWN_ROUTE;
  }
}
