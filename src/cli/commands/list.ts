/** `list [ROUTE]`: the actions on the descriptor search path, with summaries, paging and waiters. */
import { UsageError } from '../argv.js';
import { parseCommand, printResult, storeFor, type CommandContext } from '../context.js';
import { renderTable } from '../output.js';
import { displayWidth } from '../table.js';
import { parseRoute } from '../../index.js';
import { printHelp } from '../help-text.js';

const HELP = `Usage: qianfan-console list [ROUTE]

Lists every action on the descriptor search path (the built-in actions/, QIANFAN_ACTIONS_PATH, then
--actions-path) with its one-line summary; ROUTE (/v2/finetuning or finetuning) limits the list to one
area. The last column says which actions page (call … --all) and which waiters poll them (wait …).
`;

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context);
  if (ctx.globals.help) {
    printHelp(ctx, HELP);
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
  const also = (a: (typeof actions)[number]): string => [...(a.pages ? ['--all'] : []), ...a.waiters.map((w) => `wait ${w}`)].join(', ');
  // With one route asked for, a ROUTE column would repeat the command line on every row. When the table
  // is wider than the terminal, ALSO joins the summary: two narrow free-text columns read worse than one.
  const keys = (a: (typeof actions)[number]): string[] => (area === undefined ? [a.route, a.action] : [a.action]);
  const keyHeader = area === undefined ? ['ROUTE', 'ACTION'] : ['ACTION'];
  const table = (width: number | undefined): string => {
    const full = renderTable(
      [...keyHeader, 'SUMMARY', 'ALSO'],
      actions.map((a) => [...keys(a), a.summary, also(a)]),
    );
    if (width === undefined || full.split('\n').every((line) => displayWidth(line) <= width)) return full;
    return renderTable(
      [...keyHeader, 'SUMMARY'],
      actions.map((a) => [...keys(a), also(a) ? `${a.summary} (${also(a)})` : a.summary]),
      width,
    );
  };
  printResult(ctx, { document: actions, table }, 'table');
  return 0;
}
