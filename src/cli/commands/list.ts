/** `list [ROUTE]`: the actions on the descriptor search path, with summaries, paging and waiters. */
import { UsageError } from '../argv.js';
import { parseCommand, printResult, storeFor, type CommandContext } from '../context.js';
import { renderTable } from '../output.js';
import { parseRoute } from '../../descriptors/names.js';

const HELP = `Usage: qianfan-console list [ROUTE]

Lists every action on the descriptor search path (the built-in actions/, QIANFAN_ACTIONS_PATH, then
--actions-path) with its one-line summary; ROUTE (/v2/finetuning or finetuning) limits the list to one
area. The last column says which actions page (call … --all) and which waiters poll them (wait …).
`;

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context);
  if (ctx.globals.help) {
    ctx.io.stdout.write(HELP);
    return 0;
  }
  if (parsed.positionals.length > 1) throw new UsageError('list takes at most one ROUTE', 'qianfan-console list --help');
  const route = parsed.positionals[0];
  const area = route === undefined ? undefined : parseRoute(route).area;
  const store = await storeFor(ctx);
  const actions = store.list(area).map((entry) => {
    const { descriptor } = store.load(entry);
    return { route: entry.route, action: entry.action, summary: descriptor.summary, pages: descriptor.pagination !== undefined, waiters: Object.keys(descriptor.waiters ?? {}) };
  });
  if (area !== undefined && actions.length === 0) {
    const areas = [...new Set(store.list().map((entry) => entry.route))];
    throw new UsageError(`no actions are described for /v2/${area}; routes: ${areas.join(', ')}`);
  }
  const also = (a: (typeof actions)[number]): string => [...(a.pages ? ['--all'] : []), ...a.waiters.map((w) => `wait ${w}`)].join(', ');
  // With one route asked for, a ROUTE column would repeat the command line on every row.
  const table = (width: number | undefined): string =>
    area === undefined
      ? renderTable(['ROUTE', 'ACTION', 'SUMMARY', 'ALSO'], actions.map((a) => [a.route, a.action, a.summary, also(a)]), width)
      : renderTable(['ACTION', 'SUMMARY', 'ALSO'], actions.map((a) => [a.action, a.summary, also(a)]), width);
  printResult(ctx, { document: actions, table }, 'table');
  return 0;
}
