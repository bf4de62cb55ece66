/**
 * The snapshot format of the emulator's state file, and the checks that refuse a file that is not one:
 * `{"format": "qianfan-console-emulator-state", "version": 1, "nextSeq": …, "resources": {name: [record…]}}`.
 */
import type { Lifecycle } from './emulation.js';

/** One record as kept in memory and in the state file. */
export interface StoredRecord {
  id: string;
  /** Creation order; lists follow it. */
  seq: number;
  /** The record this one belongs to (fixed at creation); deleting that deletes this. */
  parent?: { resource: string; id: string };
  /** The record's fields as the console shows them. */
  data: Record<string, unknown>;
  /** A running lifecycle: its definition, copied from the create action, and when it started. */
  lifecycle?: { spec: Lifecycle; startedAtMs: number };
}

export const STATE_FORMAT = 'qianfan-console-emulator-state';
export const STATE_VERSION = 1;

export interface StateDocument {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  nextSeq: number;
  resources: Record<string, StoredRecord[]>;
}

/** Why a parsed snapshot is not usable, in words for a refusal; undefined when it is. */
export function damageOf(document: unknown): string | undefined {
  if (!isObject(document) || document['format'] !== STATE_FORMAT)
    return `it is not a state file of this emulator (it has no "format": "${STATE_FORMAT}" marker)`;
  if (document['version'] !== STATE_VERSION)
    return `it has state version ${JSON.stringify(document['version'])}, and this emulator reads version ${STATE_VERSION}`;
  if (!Number.isSafeInteger(document['nextSeq'])) return 'it is damaged: nextSeq is not an integer';
  const resources = document['resources'];
  if (!isObject(resources)) return 'it is damaged: resources is not an object';
  for (const [name, records] of Object.entries(resources)) {
    if (!Array.isArray(records)) return `it is damaged: resources.${name} is not a list`;
    for (const [index, record] of records.entries()) {
      const damage = recordDamage(record);
      if (damage) return `it is damaged: resources.${name}[${index}] ${damage}`;
    }
  }
  return undefined;
}

/** What is wrong with a stored record, or undefined. */
export function recordDamage(record: unknown): string | undefined {
  if (!isObject(record) || typeof record['id'] !== 'string' || !Number.isSafeInteger(record['seq']) || !isObject(record['data'])) {
    return 'is not a record with id, seq and data';
  }
  const parent = record['parent'];
  if (parent !== undefined && !(isObject(parent) && typeof parent['resource'] === 'string' && typeof parent['id'] === 'string'))
    return 'has a parent that is not {resource, id}';
  const lifecycle = record['lifecycle'];
  if (
    lifecycle !== undefined &&
    !(isObject(lifecycle) && isObject(lifecycle['spec']) && Array.isArray(lifecycle['spec']['stages']) && typeof lifecycle['startedAtMs'] === 'number')
  ) {
    return 'has a lifecycle that is not a lifecycle';
  }
  return undefined;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
