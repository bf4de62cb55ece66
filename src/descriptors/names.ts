/**
 * Route and action names are checked before they touch the file system or the network:
 * they become path segments (actions/<area>/<Action>.yaml) and a query value.
 */
import { ValidationError } from '../errors.js';

const AREA = /^[A-Za-z][A-Za-z0-9]{0,63}$/;
/** The most characters of a caller's text an error message echoes. */
const MAX_ECHOED = 80;

/** A caller's text as an error message shows it: quoted, and cut to a readable length. */
export function cutForMessage(text: string): string {
  if (text.length <= MAX_ECHOED) return JSON.stringify(text);
  return `${JSON.stringify(`${text.slice(0, MAX_ECHOED)}…`)} (${text.length} characters)`;
}
const ACTION = /^[A-Z][A-Za-z0-9]{0,63}$/;

export interface ActionName {
  /** e.g. finetuning */
  area: string;
  /** e.g. /v2/finetuning */
  route: string;
  action: string;
}

/** Accepts '/v2/finetuning', 'v2/finetuning' and 'finetuning'. */
export function parseRoute(route: unknown): { area: string; route: string } {
  if (typeof route !== 'string') {
    throw new ValidationError('Invalid route', [{ path: 'route', keyword: 'type', message: `must be a string such as "/v2/finetuning", got ${typeof route}` }]);
  }
  const area = route.replace(/^\/?v2\//, '');
  if (!AREA.test(area)) {
    throw new ValidationError('Invalid route', [
      {
        path: 'route',
        keyword: 'pattern',
        message: `${cutForMessage(route)} is not a route: expected /v2/<area> where <area> is letters and digits, such as /v2/finetuning`,
      },
    ]);
  }
  return { area, route: `/v2/${area}` };
}

export function parseActionName(route: unknown, action: unknown): ActionName {
  const parsed = parseRoute(route);
  if (typeof action !== 'string' || !ACTION.test(action)) {
    throw new ValidationError(
      'Invalid action',
      [
        {
          path: 'action',
          keyword: 'pattern',
          message: `${typeof action === 'string' ? cutForMessage(action) : typeof action} is not an action name: expected a capitalised name of letters and digits, such as DescribeFineTuningTasks`,
        },
      ],
      { route: parsed.route },
    );
  }
  return { ...parsed, action };
}
