/** `call ROUTE ACTION [--FIELD VALUE…]`: one action, or every page of it with --all, or the request alone with --dry-run. */
import { UsageError, booleanOption, stringOption, type ParsedArgs } from '../argv.js';
import { renderCallHelp } from '../action-help.js';
import { buildBody, type Body } from '../body-flags.js';
import { GLOBAL_OPTIONS, clientFor, readSource, parseCommand, storeFor, type CommandContext } from '../context.js';
import { renderFields, renderItems, resolveFormat, toJson, toYaml } from '../output.js';
import { pageReporter } from '../progress.js';
import { findAction } from './describe.js';
import type { QianfanClient } from '../../client/client.js';
import { parseActionName } from '../../descriptors/names.js';
import type { Pagination } from '../../descriptors/types.js';
import { readDottedPath } from '../../paginate/dotted-path.js';
import type { ActionResponse } from '../../response/parse.js';

const USAGE = 'Usage: qianfan-console call ROUTE ACTION [--FIELD VALUE…] [--body JSON|@FILE|-] [--dry-run] [--all [--page-size N]]';

const HELP = `${USAGE}

Calls one console action: POST /v2/<area>?Action=ACTION with the body built from the flags.
The body is checked against the action's schema before anything is sent.

  --body JSON|@FILE|-   a whole body (or @file, or - for stdin); flags are laid over it
  --dry-run             print the exact signed HTTP request (signature masked) and send nothing
  --all                 fetch every page of a list action and print the items together
                        (progress on stderr when it is a terminal)
  --page-size N         items per page with --all (up to the action's maximum)

Help on an action's flags: qianfan-console call ROUTE ACTION --help
The actions there are: qianfan-console list [ROUTE]
`;

const CALL_OPTIONS = {
  ...GLOBAL_OPTIONS,
  body: { type: 'string' },
  'dry-run': { type: 'boolean' },
  all: { type: 'boolean' },
  'page-size': { type: 'string' },
} as const;

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context, CALL_OPTIONS, true);
  const [route, action, ...extra] = parsed.positionals;
  if (ctx.globals.help) {
    ctx.io.stdout.write(route === undefined || action === undefined ? HELP : renderCallHelp(USAGE, findAction(await storeFor(ctx), route, action, 'call')));
    return 0;
  }
  if (route === undefined || action === undefined) throw new UsageError('call needs ROUTE and ACTION', 'qianfan-console call --help');
  if (extra.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}: field values are given as --FIELD VALUE`, `qianfan-console call ${route} ${action} --help`);
  const pageSize = pageSizeOf(parsed);
  const client = await clientFor(ctx);
  try {
    const loaded = client.store.find(parseActionName(route, action));
    const body = await buildBody(parsed.extras, loaded?.descriptor.body, stringOption(parsed, 'body'), (source) => readSource(ctx, source));
    if (booleanOption(parsed, 'dry-run')) {
      printDryRun(client, route, action, body, ctx);
      return 0;
    }
    if (booleanOption(parsed, 'all')) {
      await printAllPages(client, route, action, body, pageSize, ctx);
      return 0;
    }
    const response = await client.callAction(route, action, body, { signal: ctx.signal });
    printResponse(response, loaded?.descriptor.pagination, ctx);
    return 0;
  } finally {
    await client.close();
  }
}

function pageSizeOf(parsed: ParsedArgs): number | undefined {
  const text = stringOption(parsed, 'page-size');
  if (text === undefined) return undefined;
  if (!booleanOption(parsed, 'all')) throw new UsageError('--page-size goes with --all; for one page, set the action\'s own page-size field');
  if (!/^[1-9]\d*$/.test(text)) throw new UsageError(`--page-size takes a positive whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

function printDryRun(client: QianfanClient, route: string, action: string, body: Body, ctx: CommandContext): void {
  const shown = client.showRequest(route, action, body);
  const format = resolveFormat(ctx.globals.output, ctx.io.stdout, 'table');
  if (format === 'json') ctx.io.stdout.write(toJson(shown));
  else if (format === 'yaml') ctx.io.stdout.write(toYaml(shown));
  else {
    const headers = Object.entries(shown.headers).map(([name, value]) => `${name}: ${value}`);
    ctx.io.stdout.write(`${shown.method} ${shown.url}\n${headers.join('\n')}\n\n${JSON.stringify(shown.body)}\n`);
  }
}

async function printAllPages(client: QianfanClient, route: string, action: string, body: Body, pageSize: number | undefined, ctx: CommandContext): Promise<void> {
  const { paginatePages, paginationOf } = await import('../../paginate/paginate.js');
  const { pagination } = paginationOf(client, route, action);
  const items: unknown[] = [];
  const requestIds: string[] = [];
  const progress = pageReporter(ctx.io.stderr);
  try {
    for await (const page of paginatePages(client, route, action, body, { signal: ctx.signal, ...(pageSize === undefined ? {} : { pageSize }) })) {
      items.push(...page.items);
      requestIds.push(page.response.requestId);
      progress.update(page.number, items.length);
    }
  } finally {
    progress.finish();
  }
  const format = resolveFormat(ctx.globals.output, ctx.io.stdout, 'table');
  // The items sit where a single page has them, so the same jq path reads one page or all of them.
  const all = { requestIds, result: nestAt(pagination.items, items) };
  if (format === 'json') ctx.io.stdout.write(toJson(all));
  else if (format === 'yaml') ctx.io.stdout.write(toYaml(all));
  else ctx.io.stdout.write(renderItems(items, ctx.io.stdout.columns));
}

function printResponse(response: ActionResponse, pagination: Pagination | undefined, ctx: CommandContext): void {
  const items = pagination ? readDottedPath(response.result, pagination.items) : Array.isArray(response.result) ? response.result : undefined;
  const format = resolveFormat(ctx.globals.output, ctx.io.stdout, Array.isArray(items) ? 'table' : 'yaml');
  if (format === 'json') ctx.io.stdout.write(toJson(response));
  else if (format === 'yaml') ctx.io.stdout.write(toYaml(response));
  else if (Array.isArray(items)) {
    ctx.io.stdout.write(renderItems(items, ctx.io.stdout.columns));
    const next = pagination ? readDottedPath(response.result, pagination.outputToken) : undefined;
    if (pagination && readDottedPath(response.result, pagination.moreResults) === true && typeof next === 'string') {
      ctx.io.stderr.write(`more results follow: add --all for every page, or --${pagination.inputToken} ${next} for the next\n`);
    }
  } else ctx.io.stdout.write(renderFields(response.result, ctx.io.stdout.columns));
}

function nestAt(dottedPath: string, value: unknown): unknown {
  return dottedPath
    .split('.')
    .reduceRight<unknown>((inner, key) => Object.defineProperty({}, key, { value: inner, enumerable: true, writable: true, configurable: true }), value);
}
