/**
 * The catalogue: the action descriptors on a search path, as a read-only public view. A client has one
 * (`client.catalogue`); openCatalogue gives one without a client, for tools that list or describe
 * actions and send nothing (the command's list, describe and completion). The descriptor store behind
 * it (src/descriptors/store.ts) also holds the compiled validators, which are not part of the API.
 */
import type { ActionName } from '../descriptors/names.js';
import { actionSearchPath } from '../descriptors/paths.js';
import { DescriptorStore, type ActionListing } from '../descriptors/store.js';
import type { SummaryFields } from '../descriptors/summary.js';
import type { LoadedDescriptor, Waiter } from '../descriptors/types.js';

export type { ActionListing } from '../descriptors/store.js';
export type { SummaryFields } from '../descriptors/summary.js';
export type { LoadedDescriptor, DescriptorSource } from '../descriptors/types.js';

/** The descriptors on a search path: found by name, listed by area, each parsed once per process. */
export interface Catalogue {
  /** The descriptor directories, first to last: the built-in actions/, QIANFAN_ACTIONS_PATH, then actionPaths. A later one wins action by action. */
  readonly searchPath: readonly string[];
  /** The descriptor of a route and action (see parseActionName), or undefined when none is on the search path. */
  find(name: ActionName): LoadedDescriptor | undefined;
  /** Every action on the search path, or of one area (e.g. 'finetuning'), sorted by route then action. Reads the directories. */
  list(area?: string): ActionListing[];
  /** What a listing shows of each action (summary, whether it pages, its waiters), reading only those fields of each file where it can. */
  summaries(area?: string): (ActionListing & SummaryFields)[];
  /** The descriptor behind a listing entry. */
  load(entry: ActionListing): LoadedDescriptor;
  /** The waiter of that name (of one area, if given) and the action it polls. */
  findWaiter(name: string, area?: string): { waiter: Waiter; action: LoadedDescriptor } | undefined;
}

export interface CatalogueOptions {
  /** Directories searched after the built-in actions/ and QIANFAN_ACTIONS_PATH, as the client option of that name. */
  actionPaths?: readonly string[];
  /** The environment to read QIANFAN_ACTIONS_PATH from instead of process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The catalogue a client created with the same actionPaths and env would use; sends nothing, needs no credentials. */
export function openCatalogue(options: CatalogueOptions = {}): Catalogue {
  const env = options.env ?? process.env;
  return new DescriptorStore(actionSearchPath(env['QIANFAN_ACTIONS_PATH'], options.actionPaths));
}
