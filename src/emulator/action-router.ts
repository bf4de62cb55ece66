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
/** Bounds the caches of checked action names and split targets, so that a flood of made-up ones cannot grow them. */
const MAX_CACHED_ACTION_NAMES = 1024;
const MAX_CACHED_TARGETS = 1024;

export class ActionRouter {
  /** Action names already checked, by area/Action: a client calls the same few actions again and again. */
  readonly #actionNames = new Map<string, Readonly<ActionName>>();
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
    const { path, query } = target;
    const area = ROUTE.exec(path)?.[1];
    if (area === undefined) throw new ConsoleError(404, 'InvalidURI', `there is no console route at ${path}; routes are /v2/<area>, such as /v2/finetuning`);
    const action = query.find(([key]) => key === 'Action')?.[1];
    if (!action) throw new ConsoleError(400, 'InvalidAction', 'the query has no Action; call POST /v2/<area>?Action=<Action>');
    const key = `${area}/${action}`; // an area has no '/', so the key splits one way only
    const known = this.#actionNames.get(key);
    if (known) return known;
    try {
      if (this.#actionNames.size >= MAX_CACHED_ACTION_NAMES) this.#actionNames.clear();
      const name = Object.freeze(parseActionName(area, action));
      this.#actionNames.set(key, name);
      return name;
    } catch (error) {
      if (error instanceof ValidationError) throw new ConsoleError(400, 'InvalidAction', error.problems.map((p) => p.message).join('; '));
      throw error;
    }
  }
}
