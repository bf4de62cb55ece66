/** `wait ROUTE WAITER [--FIELD VALUE…]`: poll an action until its waiter's status is final. */
import { UsageError, stringOption, wholeNumberOption, type OptionSpecs } from '../argv.js';
import { renderCallHelp } from '../action-help.js';
import { buildBody } from '../body-flags.js';
import { GLOBAL_OPTIONS, clientFor, printResult, readSource, parseCommand, storeFor, type CommandContext } from '../context.js';
import { refuseNearMiss } from '../known-names.js';
import { renderTable } from '../output.js';
import { waitReporter } from '../progress.js';
import { NetworkError, findWaiter, listWaiters, waitFor, type Catalogue, type QianfanError, type WaitProgress } from '../../index.js';
import { printHelp } from '../help-text.js';

const USAGE = 'Usage: qianfan-console wait ROUTE WAITER [--FIELD VALUE…] [--body JSON|@FILE|-] [--interval-ms N] [--timeout-ms N]';

/** Polls in a row that never reached the endpoint before the wait gives up: a wrong --endpoint should not poll for a day. */
const UNREACHABLE_POLLS = 5;

const HELP = `${USAGE}

Polls the action a waiter belongs to until the waiter's status field reaches a success value (exit 0,
the last answer printed), a failure value (exit 1) or the timeout (exit 3). A poll that fails for a
passing reason (throttled, a transient error) is a poll lost and polling goes on; but after
${UNREACHABLE_POLLS} polls in a row that could not even connect, the wait gives up (exit 3, naming the endpoint).
Progress goes to stderr: a live bar on a terminal, one line per poll otherwise.

  --interval-ms N   pause between polls (default: the waiter's)
  --timeout-ms N    give up after this long (default: the waiter's)

The flags of WAITER are those of the action it polls: qianfan-console wait ROUTE WAITER --help
`;

export const OPTIONS: OptionSpecs = {
  ...GLOBAL_OPTIONS,
  body: { type: 'string' },
  'interval-ms': { type: 'string' },
  'timeout-ms': { type: 'string' },
};

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context, OPTIONS, true);
  const [route, waiterName, ...extra] = parsed.positionals;
  if (ctx.globals.help) {
    const store = await storeFor(ctx);
    printHelp(
      ctx,
      route === undefined || waiterName === undefined ? `${HELP}\n${renderWaiters(store)}` : renderCallHelp(USAGE, findWaiter(store, waiterName, route).action),
    );
    return 0;
  }
  if (route === undefined || waiterName === undefined) throw new UsageError('wait needs ROUTE and WAITER', 'qianfan-console wait --help');
  if (extra.length > 0)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(extra[0])}: field values are given as --FIELD VALUE`,
      `qianfan-console wait ${route} ${waiterName} --help`,
    );
  const intervalMs = wholeNumberOption(parsed, 'interval-ms', 'milliseconds');
  const timeoutMs = wholeNumberOption(parsed, 'timeout-ms', 'milliseconds');
  const client = await clientFor(ctx);
  try {
    refuseNearMiss(client.catalogue, route, undefined, 'wait');
    const { waiter, action } = findWaiter(client.catalogue, waiterName, route);
    const body = await buildBody(parsed.extras, action.descriptor.body, stringOption(parsed, 'body'), (source) => readSource(ctx, source));
    const reporter = waitReporter(ctx.io.stderr, waiterName, waiter.success);
    const unreachable = unreachableCounter();
    const response = await waitFor(client, waiterName, body, {
      route,
      signal: AbortSignal.any([ctx.signal, unreachable.signal]),
      onProgress: (progress) => {
        reporter.update(progress);
        unreachable.count(progress);
      },
      ...(intervalMs === undefined ? {} : { intervalMs }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    })
      .catch((error: unknown) => {
        const last = unreachable.lastError();
        if (!last || ctx.signal.aborted) throw error;
        throw new NetworkError(
          `${waiterName}: gave up after ${UNREACHABLE_POLLS} polls in a row could not connect to ${client.config.baseUrl.origin} (${last.message})`,
          {
            route: last.route,
            action: last.action,
            code: last.code,
            cause: last,
          },
        );
      })
      .finally(() => reporter.finish());
    printResult(ctx, { document: response, records: response.result }, 'yaml');
    return 0;
  } finally {
    await client.close();
  }
}

/** Counts polls in a row whose request never left (connection refused, DNS, connect timeout); fires its signal at the bound. */
function unreachableCounter(): { signal: AbortSignal; count(progress: WaitProgress): void; lastError(): QianfanError | undefined } {
  const giveUp = new AbortController();
  let inARow = 0;
  let last: QianfanError | undefined;
  return {
    signal: giveUp.signal,
    count(progress) {
      inARow = progress.error?.metadata?.failure === 'notSent' ? inARow + 1 : 0;
      last = progress.error;
      if (inARow >= UNREACHABLE_POLLS) giveUp.abort();
    },
    lastError: () => (giveUp.signal.aborted ? last : undefined),
  };
}

function renderWaiters(store: Catalogue): string {
  const rows = listWaiters(store).map((w) => [w.route, w.name, w.action, w.waiter.summary]);
  return `Waiters:\n${renderTable(['ROUTE', 'WAITER', 'POLLS', 'SUMMARY'], rows)}`;
}
