/** `list [ROUTE]`: the actions on the descriptor search path, with summaries, paging and waiters. */
import { UsageError } from '../argv.js';
import { parseCommand, storeFor, type CommandContext } from '../context.js';
import { renderTable, resolveFormat, toJson, toYaml } from '../output.js';
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
  const actions = store.summaries(area).map(({ route, action, summary, pages, waiters }) => ({ route, action, summary, pages, waiters }));
  if (area !== undefined && actions.length === 0) {
    const areas = [...new Set(store.list().map((entry) => entry.route))];
    throw new UsageError(`no actions are described for /v2/${area}; routes: ${areas.join(', ')}`);
  }
  const format = resolveFormat(ctx.globals.output, ctx.io.stdout, 'table');
  if (format === 'json') ctx.io.stdout.write(toJson(actions));
  else if (format === 'yaml') ctx.io.stdout.write(toYaml(actions));
  else {
    const rows = actions.map((a) => [a.route, a.action, a.summary, [...(a.pages ? ['--all'] : []), ...a.waiters.map((w) => `wait ${w}`)].join(', ')]);
    ctx.io.stdout.write(renderTable(['ROUTE', 'ACTION', 'SUMMARY', 'ALSO'], rows, ctx.io.stdout.columns));
  }
  return 0;
}
