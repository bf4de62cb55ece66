/**
 * Which action a console request is for: the method, the /v2/<area> route and the Action query,
 * checked before anything else of the request is read.
 */
import type { IncomingMessage } from 'node:http';
import { parseActionName, type ActionName } from '../descriptors/names.js';
import { ValidationError } from '../errors.js';
import { splitTarget } from './auth.js';
import { ConsoleError } from './console-error.js';

/** A request target split; shared by every request with the same target, so never changed. */
export interface Target {
  readonly path: string;
  readonly query: ReadonlyArray<readonly [string, string | null]>;
}

const ROUTE = /^\/v2\/([^/]+)$/;
/** Bounds the cache of split targets (and so of the action names read from them), so that a flood of made-up ones cannot grow it. */
const MAX_CACHED_TARGETS = 1024;

export class ActionRouter {
  /** Action names already checked, by the split target they were read from (one of #targets, so as bounded). */
  readonly #actionNames = new WeakMap<Target, Readonly<ActionName>>();
  /** Targets already split, by the target as sent: a client sends the same few again and again. */
  readonly #targets = new Map<string, Target>();

  /** The request target as split, or the refusal of a malformed one (answered after the method check, as a console call). */
  target(rawUrl: string): Target | ConsoleError {
    let target = this.#targets.get(rawUrl);
    if (target === undefined) {
      try {
        target = splitTarget(rawUrl);
      } catch (error) {
        if (error instanceof ConsoleError) return error;
        throw error;
      }
      if (this.#targets.size >= MAX_CACHED_TARGETS) this.#targets.clear();
      this.#targets.set(rawUrl, target);
    }
    return target;
  }

  /** The action a request is for, checked before anything is read. */
  route(req: IncomingMessage, target: Target | ConsoleError): ActionName {
    if (req.method !== 'POST') throw new ConsoleError(405, 'MethodNotAllowed', `console actions are called with POST, not ${req.method}`);
    if (target instanceof ConsoleError) throw target;
    const known = this.#actionNames.get(target);
    if (known) return known;
    const { path, query } = target;
    const area = ROUTE.exec(path)?.[1];
    if (area === undefined) throw new ConsoleError(404, 'InvalidURI', `there is no console route at ${path}; routes are /v2/<area>, such as /v2/finetuning`);
    const action = query.find(([key]) => key === 'Action')?.[1];
    if (!action) throw new ConsoleError(400, 'InvalidAction', 'the query has no Action; call POST /v2/<area>?Action=<Action>');
    try {
      const name = Object.freeze(parseActionName(area, action));
      this.#actionNames.set(target, name);
      return name;
    } catch (error) {
      if (error instanceof ValidationError) throw new ConsoleError(400, 'InvalidAction', error.problems.map((p) => p.message).join('; '));
      throw error;
    }
  }
}
