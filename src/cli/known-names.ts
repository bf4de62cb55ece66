/**
 * A route or action a few letters away from a described one is almost always a typo. The library
 * sends an action it has no descriptor for (the console has more actions than the catalogue), so the
 * command refuses such a near miss itself, before anything is sent, unless --force says it is meant.
 */
import { UsageError } from './argv.js';
import { nearest, parseActionName, parseRoute, type Catalogue } from '../index.js';

/** Throws a UsageError (exit 2) when the route, or the action on it, is unknown but resembles a known one. */
export function refuseNearMiss(store: Catalogue, route: string, action: string | undefined, command: string): void {
  const { area } = parseRoute(route);
  const actions = store.list(area).map((entry) => entry.action);
  if (actions.length === 0) {
    const areas = [...new Set(store.list().map((entry) => entry.route.replace(/^\/v2\//, '')))];
    const near = nearest(area, areas);
    if (near) throw new UsageError(`no route ${area}; did you mean ${near}? (--force sends it as given)`, `qianfan-console list ${near}`);
    return;
  }
  if (action === undefined || store.find(parseActionName(route, action))) return;
  const near = nearest(action, actions);
  if (near)
    throw new UsageError(
      `no action ${action} on /v2/${area}; did you mean ${near}? (--force sends it as given)`,
      `qianfan-console ${command} ${area} ${near} --help`,
    );
}
