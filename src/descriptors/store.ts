/**
 * Finding descriptors on the search path. A call looks for exactly one file per directory,
 * actions/<area>/<Action>.yaml, from the last directory to the first, so the cost of a call does not
 * grow with the number of descriptors. What is found is parsed once per process and its validator
 * compiled once, on first use.
 */
import { dirname, join } from 'node:path';
import { DescriptorError } from '../errors.js';
import { compileFailureReason, compileSchema, type SchemaCheck } from '../validation/schema.js';
import { isDirectory, isDirectoryEntry } from './files.js';
import { readDescriptorFile } from './parse.js';
import { readSummaryFields, type SummaryFields } from './summary.js';
import { precompiledDescriptor } from './precompiled.js';
import type { ActionName } from './names.js';
import type { ActionDescriptor, DescriptorSource, LoadedDescriptor, Waiter } from './types.js';
import { fs } from '../runtime/require.js';

export interface LoadedAction extends LoadedDescriptor {
  /** The body validator, compiled on first use. */
  readonly checkBody: SchemaCheck;
  /** The result validator, compiled on first use: only debugging checks results (they are advisory). */
  readonly checkResult: SchemaCheck;
}

class CachedAction implements LoadedAction {
  #checkBody: SchemaCheck | undefined;
  #checkResult: SchemaCheck | undefined;
  constructor(
    readonly descriptor: ActionDescriptor,
    readonly source: DescriptorSource,
    precompiledCheck?: SchemaCheck,
  ) {
    this.#checkBody = precompiledCheck;
  }
  get checkBody(): SchemaCheck {
    return (this.#checkBody ??= this.#compile('body'));
  }
  get checkResult(): SchemaCheck {
    return (this.#checkResult ??= this.#compile('result'));
  }
  #compile(part: 'body' | 'result'): SchemaCheck {
    try {
      return compileSchema(this.descriptor[part]);
    } catch (error) {
      // Met the descriptor format, yet ajv's strict mode refuses the schema (an unknown keyword, say).
      const { file } = this.source;
      throw new DescriptorError(
        `${file}: the ${part} schema does not compile: ${compileFailureReason(error)} (qianfan-console lint ${dirname(dirname(file))} gives the line)`,
        { file, code: 'InvalidDescriptor' },
      );
    }
  }
}

/** Parsed descriptors for the whole process, keyed by file: clients with the same paths share them. */
const byFile = new Map<string, CachedAction>();

function loadFile(file: string, layer: number): CachedAction {
  let cached = byFile.get(file);
  if (!cached) {
    const precompiled = layer === 0 ? precompiledDescriptor(file) : undefined;
    cached = precompiled
      ? new CachedAction(precompiled.descriptor, { file, layer }, precompiled.checkBody)
      : new CachedAction(readDescriptorFile(file), { file, layer });
    byFile.set(file, cached);
  }
  return cached;
}

/** Entries of an area directory read to suggest a name for an undescribed action. */
const MAX_SUGGESTION_SCAN = 1000;

function summaryOf(descriptor: ActionDescriptor): SummaryFields {
  return { summary: descriptor.summary, pages: descriptor.pagination !== undefined, waiters: Object.keys(descriptor.waiters ?? {}) };
}

export interface ActionListing {
  route: string;
  action: string;
  file: string;
  layer: number;
}

export class DescriptorStore {
  /** Resolution per client: where each action was found (or that it was not). */
  readonly #resolved = new Map<string, CachedAction | null>();

  constructor(readonly searchPath: readonly string[]) {}

  find(name: ActionName): LoadedAction | undefined {
    const key = `${name.area}/${name.action}`;
    let found = this.#resolved.get(key);
    if (found === undefined) {
      found = null;
      for (let layer = this.searchPath.length - 1; layer >= 0; layer--) {
        const file = join(this.searchPath[layer]!, name.area, `${name.action}.yaml`);
        if (fs.existsSync(file)) {
          found = loadFile(file, layer);
          break;
        }
      }
      this.#resolved.set(key, found);
    }
    return found ?? undefined;
  }

  /** Every action on the search path (the winning file of each), for listings, lint and waiters. Scans directories. */
  list(area?: string): ActionListing[] {
    const winners = new Map<string, ActionListing>();
    this.searchPath.forEach((dir, layer) => {
      const areas = area ? [area] : subdirectories(dir);
      for (const a of areas) {
        const areaDir = join(dir, a);
        if (!isDirectory(areaDir)) continue;
        for (const entry of fs.readdirSync(areaDir)) {
          if (!entry.endsWith('.yaml')) continue;
          const action = entry.slice(0, -'.yaml'.length);
          winners.set(`${a}/${action}`, { route: `/v2/${a}`, action, file: join(areaDir, entry), layer });
        }
      }
    });
    return [...winners.values()].sort((x, y) => x.route.localeCompare(y.route) || x.action.localeCompare(y.action));
  }

  /** What `list` shows of each action, reading only those fields where the file allows (summary.ts). */
  summaries(area?: string): (ActionListing & SummaryFields)[] {
    return this.list(area).map((entry) => {
      const fields = (byFile.has(entry.file) ? undefined : readSummaryFields(entry.file)) ?? summaryOf(this.load(entry).descriptor);
      return { ...entry, ...fields };
    });
  }

  /**
   * Names of actions in an area, for a did-you-mean: at most MAX_SUGGESTION_SCAN entries of each
   * directory are read, so a call of an undescribed action costs the same in an area of 10,000.
   */
  someActionNames(area: string): string[] {
    const names = new Set<string>();
    for (const dir of this.searchPath) {
      const areaDir = join(dir, area);
      if (!isDirectory(areaDir)) continue;
      const handle = fs.opendirSync(areaDir);
      try {
        for (let n = 0, entry = handle.readSync(); entry && n < MAX_SUGGESTION_SCAN; n++, entry = handle.readSync()) {
          if (entry.name.endsWith('.yaml')) names.add(entry.name.slice(0, -'.yaml'.length));
        }
      } finally {
        handle.closeSync();
      }
    }
    return [...names];
  }

  /** Loads the descriptor behind a listing entry. */
  load(entry: ActionListing): LoadedAction {
    return loadFile(entry.file, entry.layer);
  }

  /** The waiter of that name and the action it polls; scans the search path. */
  findWaiter(name: string, area?: string): { waiter: Waiter; action: LoadedAction } | undefined {
    for (const entry of this.list(area)) {
      const action = this.load(entry);
      const waiter = action.descriptor.waiters?.[name];
      if (waiter) return { waiter, action };
    }
    return undefined;
  }
}

function subdirectories(dir: string): string[] {
  if (!isDirectory(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => /^[A-Za-z][A-Za-z0-9]*$/.test(d.name) && isDirectoryEntry(dir, d))
    .map((d) => d.name);
}
