/** `call ROUTE ACTION [--FIELD VALUE…]`: one action, or every page of it with --all, or the request alone with --dry-run. */
import { UsageError, booleanOption, stringOption, wholeNumberOption, type OptionSpecs, type ParsedArgs } from '../argv.js';
import { renderCallHelp } from '../action-help.js';
import { buildBody, type Body } from '../body-flags.js';
import { GLOBAL_OPTIONS, clientFor, printResult, readSource, parseCommand, storeFor, type CommandContext } from '../context.js';
import { refuseNearMiss } from '../known-names.js';
import { resolveFormat } from '../output.js';
import { pageReporter } from '../progress.js';
import { findAction } from './describe.js';
import { paginatePages, parseActionName, readDottedPath, type ActionResponse, type Pagination, type QianfanClient } from '../../index.js';
import { printHelp } from '../help-text.js';

const USAGE = 'Usage: qianfan-console call ROUTE ACTION [--FIELD VALUE…] [--body JSON|@FILE|-] [--dry-run] [--all [--page-size N] [--max-items N]] [--force]';

const HELP = `${USAGE}

Calls one console action: POST /v2/<area>?Action=ACTION with the body built from the flags.
The body is checked against the action's schema before anything is sent.

  --body JSON|@FILE|-   a whole body (or @file, or - for stdin); flags are laid over it
  --dry-run             print the exact signed HTTP request (signature masked) and send nothing
  --all                 fetch every page of a list action and print the items together
                        (progress on stderr when it is a terminal)
  --page-size N         items per page with --all (default: the action's maximum)
  --max-items N         with --all: stop after N items (says so on stderr when more remain)
  --force               send a ROUTE or ACTION that has no descriptor even though it resembles
                        one that has (by default refused as a likely typo)

Help on an action's flags: qianfan-console call ROUTE ACTION --help
The actions there are: qianfan-console list [ROUTE]
`;

export const OPTIONS: OptionSpecs = {
  ...GLOBAL_OPTIONS,
  body: { type: 'string' },
  'dry-run': { type: 'boolean' },
  all: { type: 'boolean' },
  'page-size': { type: 'string' },
  'max-items': { type: 'string' },
  force: { type: 'boolean' },
};

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context, OPTIONS, true);
  const [route, action, ...extra] = parsed.positionals;
  if (ctx.globals.help) {
    printHelp(ctx, route === undefined || action === undefined ? HELP : renderCallHelp(USAGE, findAction(await storeFor(ctx), route, action, 'call')));
    return 0;
  }
  if (route === undefined || action === undefined) throw new UsageError('call needs ROUTE and ACTION', 'qianfan-console call --help');
  if (extra.length > 0)
    throw new UsageError(
      `unexpected argument ${JSON.stringify(extra[0])}: field values are given as --FIELD VALUE`,
      `qianfan-console call ${route} ${action} --help`,
    );
  const maxItems = wholeNumberOption(parsed, 'max-items', 'items');
  const all = booleanOption(parsed, 'all') || maxItems !== undefined;
  const pageSize = pageSizeOf(parsed, all);
  const client = await clientFor(ctx);
  try {
    if (!booleanOption(parsed, 'force')) refuseNearMiss(client.catalogue, route, action, 'call');
    const loaded = client.catalogue.find(parseActionName(route, action));
    const body = await buildBody(parsed.extras, loaded?.descriptor.body, stringOption(parsed, 'body'), (source) => readSource(ctx, source));
    if (booleanOption(parsed, 'dry-run')) {
      printDryRun(client, route, action, body, ctx);
      return 0;
    }
    if (all) {
      await printAllPages(client, { route, action, body, pageSize, maxItems }, ctx);
      return 0;
    }
    const response = await client.callAction(route, action, body, { signal: ctx.signal });
    printResponse(response, loaded?.descriptor.pagination, ctx);
    return 0;
  } finally {
    await client.close();
  }
}

function pageSizeOf(parsed: ParsedArgs, all: boolean): number | undefined {
  const text = stringOption(parsed, 'page-size');
  if (text === undefined) return undefined;
  if (!all) throw new UsageError("--page-size goes with --all; for one page, set the action's own page-size field");
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--page-size takes a positive whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

function printDryRun(client: QianfanClient, route: string, action: string, body: Body, ctx: CommandContext): void {
  const shown = client.showRequest(route, action, body);
  const headers = Object.entries(shown.headers).map(([name, value]) => `${name}: ${value}`);
  printResult(ctx, { document: shown, table: () => `${shown.method} ${shown.url}\n${headers.join('\n')}\n\n${JSON.stringify(shown.body)}\n` }, 'table');
}

interface PagedCall {
  route: string;
  action: string;
  body: Body;
  pageSize: number | undefined;
  maxItems: number | undefined;
}

async function printAllPages(client: QianfanClient, call: PagedCall, ctx: CommandContext): Promise<void> {
  const { route, action, body, maxItems } = call;
  const pagination = client.catalogue.find(parseActionName(route, action))?.descriptor.pagination;
  // Fewest requests: the action's largest page unless the body or --page-size says otherwise (the
  // console's own default is 10). Without pagination the pager refuses the action, naming those that page.
  const pageSize = call.pageSize ?? (!pagination || body[pagination.limitKey] !== undefined ? undefined : Math.min(pagination.maxLimit, maxItems ?? Infinity));
  const items: unknown[] = [];
  const requestIds: string[] = [];
  const progress = pageReporter(ctx.io.stderr);
  let cutShort = false;
  try {
    for await (const page of paginatePages(client, route, action, body, { signal: ctx.signal, ...(pageSize === undefined ? {} : { pageSize }) })) {
      items.push(...page.items);
      requestIds.push(page.response.requestId);
      progress.update(page.number, items.length);
      if (maxItems !== undefined && items.length >= maxItems) {
        cutShort = items.length > maxItems || page.nextMarker !== undefined;
        items.length = maxItems;
        break;
      }
    }
  } finally {
    progress.finish();
  }
  if (cutShort) ctx.io.stderr.write(`stopped at --max-items ${maxItems}: more items remain\n`);
  // The items sit where a single page has them, so the same jq path reads one page or all of them.
  // pagination is there: for an action without it, the pager threw before its first request.
  printResult(ctx, { document: { requestIds, result: nestAt(pagination!.items, items) }, records: items }, 'table');
}

function printResponse(response: ActionResponse, pagination: Pagination | undefined, ctx: CommandContext): void {
  const items = pagination ? readDottedPath(response.result, pagination.items) : Array.isArray(response.result) ? response.result : undefined;
  const isList = Array.isArray(items);
  printResult(ctx, { document: response, records: isList ? items : response.result }, isList ? 'table' : 'yaml');
  const next = pagination ? readDottedPath(response.result, pagination.outputToken) : undefined;
  // A hint for people reading a table; a program reading JSON sees the marker in the document.
  if (
    isList &&
    resolveFormat(ctx.globals.output, ctx.io.stdout, 'table') === 'table' &&
    pagination &&
    readDottedPath(response.result, pagination.moreResults) === true &&
    typeof next === 'string'
  ) {
    ctx.io.stderr.write(`more results follow: add --all for every page, or --${pagination.inputToken} ${next} for the next\n`);
  }
}

function nestAt(dottedPath: string, value: unknown): unknown {
  return dottedPath
    .split('.')
    .reduceRight<unknown>((inner, key) => Object.defineProperty({}, key, { value: inner, enumerable: true, writable: true, configurable: true }), value);
}
