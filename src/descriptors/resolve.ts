/**
 * Action resolution: a route and action name checked, their descriptor found, and what the call needs
 * from it (idempotency, the signed path), once per client for each route and action.
 */
import { ValidationError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { nearest } from '../validation/report.js';
import { parseActionName, type ActionName } from './names.js';
import type { DescriptorStore, LoadedAction } from './store.js';

/** What to do with an action that has no descriptor: send it unvalidated (as the official SDKs do), or refuse it. */
export type UndescribedActions = 'send' | 'refuse';
export const UNDESCRIBED_ACTIONS: readonly UndescribedActions[] = ['send', 'refuse'];

/** A route and action resolved once per client: names checked, descriptor found. */
export interface ResolvedAction {
  name: ActionName;
  descriptor: LoadedAction | undefined;
  idempotent: boolean;
  /** The path the request is signed and sent to: the base URL's path, then the route. */
  path: string;
  /** The route and action, as errors need them. */
  where: { route: string; action: string };
  /** Path and query, as the transport needs them. */
  target: string;
}

/** What actions without a descriptor are presumed to be: reads are safe to repeat. */
const READ_ONLY_PREFIX = /^(Describe|Get|List|Query|Check)[A-Z]/;
/** Distinct route/action pairs one client remembers; past it the memory starts over rather than grow. */
const MAX_RESOLVED_ACTIONS = 1024;

export class ActionResolver {
  readonly #store: DescriptorStore;
  readonly #basePath: string;
  readonly #undescribed: UndescribedActions;
  readonly #logger: Logger;
  /** route → action → resolution; two levels, so a call looks up without building a key string. */
  readonly #resolved = new Map<string, Map<string, ResolvedAction>>();
  #resolvedCount = 0;

  constructor(store: DescriptorStore, basePath: string, undescribed: UndescribedActions, logger: Logger) {
    this.#store = store;
    this.#basePath = basePath;
    this.#undescribed = undescribed;
    this.#logger = logger;
  }

  /** Checks the names and finds the descriptor, once per route and action; touches nothing outside the action directories. */
  resolve(route: string, action: string): ResolvedAction {
    let byAction = this.#resolved.get(route);
    let resolved = byAction?.get(action);
    if (!resolved) {
      resolved = this.#resolveNew(route, action);
      if (this.#resolvedCount >= MAX_RESOLVED_ACTIONS) {
        this.#resolved.clear();
        this.#resolvedCount = 0;
        byAction = undefined;
      }
      if (!byAction) this.#resolved.set(route, (byAction = new Map()));
      byAction.set(action, resolved);
      this.#resolvedCount++;
    }
    return resolved;
  }

  #resolveNew(route: string, action: string): ResolvedAction {
    const name = parseActionName(route, action);
    const where = { route: name.route, action: name.action };
    const descriptor = this.#store.find(name);
    // A bounded directory read, once per client and only for an action without a descriptor.
    const known = descriptor ? [] : this.#store.someActionNames(name.area);
    if (!descriptor && this.#undescribed === 'refuse') {
      throw new ValidationError(
        `${name.action} (${name.route}) is not a known action`,
        [
          {
            path: 'action',
            keyword: 'unknownAction',
            message: known.length
              ? `no descriptor for ${name.action}; ${name.route} has: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}`
              : `no descriptors exist for ${name.route}`,
          },
        ],
        where,
      );
    }
    const guess = descriptor ? undefined : nearest(name.action, known);
    if (guess) this.#logger.warn(`${name.action} (${name.route}) has no descriptor, so it is sent unchecked; did you mean ${guess}?`);
    if (descriptor?.descriptor.contentType === 'multipart/form-data') {
      throw new ValidationError(
        `${name.action} (${name.route}) is an upload the client does not send yet; nothing was sent`,
        [{ path: '$', keyword: 'contentType', message: 'the console takes this body as multipart/form-data (a file), and qianfan-console sends JSON only' }],
        where,
      );
    }
    const path = this.#basePath + name.route;
    return {
      name,
      descriptor,
      idempotent: descriptor ? descriptor.descriptor.idempotent : READ_ONLY_PREFIX.test(name.action),
      path,
      where,
      target: `${path}?Action=${name.action}`,
    };
  }
}
