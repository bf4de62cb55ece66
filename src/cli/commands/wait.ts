/** `wait ROUTE WAITER [--FIELD VALUE…]`: poll an action until its waiter's status is final. */
import { UsageError, stringOption, wholeNumberOption } from '../argv.js';
import { renderCallHelp } from '../action-help.js';
import { buildBody } from '../body-flags.js';
import { GLOBAL_OPTIONS, clientFor, readSource, parseCommand, storeFor, type CommandContext } from '../context.js';
import { renderFields, renderTable, resolveFormat, toJson, toYaml } from '../output.js';
import { waitReporter } from '../progress.js';
import type { DescriptorStore } from '../../descriptors/store.js';
import { findWaiter, listWaiters, waitFor } from '../../waiters/wait.js';

const USAGE = 'Usage: qianfan-console wait ROUTE WAITER [--FIELD VALUE…] [--body JSON|@FILE|-] [--interval-ms N] [--timeout-ms N]';

const HELP = `${USAGE}

Polls the action a waiter belongs to until the waiter's status field reaches a success value (exit 0,
the last answer printed), a failure value (exit 1) or the timeout (exit 3). Progress goes to stderr:
a live bar on a terminal, one line per poll otherwise.

  --interval-ms N   pause between polls (default: the waiter's)
  --timeout-ms N    give up after this long (default: the waiter's)

The flags of WAITER are those of the action it polls: qianfan-console wait ROUTE WAITER --help
`;

const WAIT_OPTIONS = {
  ...GLOBAL_OPTIONS,
  body: { type: 'string' },
  'interval-ms': { type: 'string' },
  'timeout-ms': { type: 'string' },
} as const;

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context, WAIT_OPTIONS, true);
  const [route, waiterName, ...extra] = parsed.positionals;
  if (ctx.globals.help) {
    const store = await storeFor(ctx);
    ctx.io.stdout.write(route === undefined || waiterName === undefined ? `${HELP}\n${renderWaiters(store)}` : renderCallHelp(USAGE, findWaiter(store, waiterName, route).action));
    return 0;
  }
  if (route === undefined || waiterName === undefined) throw new UsageError('wait needs ROUTE and WAITER', 'qianfan-console wait --help');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: field values are given as --FIELD VALUE`, `qianfan-console wait ${route} ${waiterName} --help`);
  const intervalMs = wholeNumberOption(parsed, 'interval-ms', 'milliseconds');
  const timeoutMs = wholeNumberOption(parsed, 'timeout-ms', 'milliseconds');
  const client = await clientFor(ctx);
  try {
    const { waiter, action } = findWaiter(client.store, waiterName, route);
    const body = await buildBody(parsed.extras, action.descriptor.body, stringOption(parsed, 'body'), (source) => readSource(ctx, source));
    const reporter = waitReporter(ctx.io.stderr, waiterName, waiter.success);
    const response = await waitFor(client, waiterName, body, {
      route,
      signal: ctx.signal,
      onProgress: (progress) => reporter.update(progress),
      ...(intervalMs === undefined ? {} : { intervalMs }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }).finally(() => reporter.finish());
    const format = resolveFormat(ctx.globals.output, ctx.io.stdout, 'yaml');
    if (format === 'json') ctx.io.stdout.write(toJson(response));
    else if (format === 'yaml') ctx.io.stdout.write(toYaml(response));
    else ctx.io.stdout.write(renderFields(response.result, ctx.io.stdout.columns));
    return 0;
  } finally {
    await client.close();
  }
}

function renderWaiters(store: DescriptorStore): string {
  const rows = listWaiters(store).map((w) => [w.route, w.name, w.action, w.waiter.summary]);
  return `Waiters:\n${renderTable(['ROUTE', 'WAITER', 'POLLS', 'SUMMARY'], rows)}`;
}

