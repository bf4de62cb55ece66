/** `describe ROUTE ACTION`: an action's parameters, result shape, paging, waiters and examples. */
import { UsageError } from '../argv.js';
import { describeAction, renderActionHelp } from '../action-help.js';
import { parseCommand, printResult, storeFor, type CommandContext } from '../context.js';
import { parseActionName, parseRoute, type Catalogue, type LoadedDescriptor } from '../../index.js';
import { fitHelp, printHelp } from '../help-text.js';

const HELP = `Usage: qianfan-console describe ROUTE ACTION

Shows an action as its descriptor declares it: each parameter (the flag that sets it, its type,
whether it is required, its allowed values or range, its description), the shape of the result,
how it pages, the waiters that poll it, and its examples as command lines.
ROUTE is /v2/<area> or <area>. On a pipe the same facts are printed as JSON.
`;

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context);
  if (ctx.globals.help) {
    printHelp(ctx, HELP);
    return 0;
  }
  const [route, action, ...extra] = parsed.positionals;
  if (route === undefined || extra.length > 0) throw new UsageError('describe takes ROUTE and ACTION', 'qianfan-console describe --help');
  const store = await storeFor(ctx);
  const loaded = findAction(store, route, action, 'describe');
  printResult(
    ctx,
    { document: describeAction(loaded), table: (width) => (width === undefined ? renderActionHelp(loaded) : fitHelp(renderActionHelp(loaded), width)) },
    'table',
  );
  return 0;
}

/** The descriptor of ROUTE ACTION, or a UsageError that lists the actions of the route. */
export function findAction(store: Catalogue, route: string, action: string | undefined, command: string): LoadedDescriptor {
  const { area } = parseRoute(route);
  const known = store.list(area).map((entry) => entry.action);
  const loaded = action === undefined ? undefined : store.find(parseActionName(route, action));
  if (loaded) return loaded;
  const what = action === undefined ? `${command} needs an ACTION after ${route}` : `no descriptor for ${action} on /v2/${area}`;
  throw new UsageError(
    `${what}; ${known.length ? `actions of /v2/${area}: ${known.join(', ')}` : `no actions are described for /v2/${area}`}`,
    `qianfan-console list ${area}`,
  );
}
