/** `mcp [--allow-writes] [--routes A,B]`: the catalogue as Model Context Protocol tools for AI agents, over stdio. */
import { UsageError, booleanOption, stringOption, type ParsedArgs } from '../argv.js';
import { GLOBAL_OPTIONS, clientFor, parseCommand, type CommandContext } from '../context.js';
import { parseRoute, scrub, type QianfanClient } from '../../index.js';
import { VERSION } from '../version.js';
import { printHelp } from '../help-text.js';

const HELP = `Usage: qianfan-console mcp [--allow-writes] [--routes AREA,AREA…]

Runs a Model Context Protocol server on stdin/stdout for an AI agent (Claude Desktop, Cursor, …): three
tools, list_actions, describe_action and call_action, whatever the size of the catalogue. Credentials,
profile, endpoint and retry settings are the global options', as for call. See docs/mcp.md.

  --allow-writes        also send actions that change the console (all but reads, Describe… and the
                        like: Create…, Delete…, Stop…, purchases); without it they are refused, while
                        dry runs of them still work
  --routes A,B          expose only these areas, e.g. finetuning,dataset (list, describe and call)
`;

const MCP_OPTIONS = {
  ...GLOBAL_OPTIONS,
  'allow-writes': { type: 'boolean' },
  routes: { type: 'string' },
} as const;

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context, MCP_OPTIONS);
  if (ctx.globals.help) {
    printHelp(ctx, HELP);
    return 0;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`mcp takes no arguments, got ${JSON.stringify(parsed.positionals[0])}`, 'qianfan-console mcp --help');
  const client = await clientFor(ctx);
  try {
    const areas = exposedAreas(parsed, client);
    // The SDK (and zod) load here, for this command only.
    const { serveMcp } = await import('../../mcp/server.js');
    await serveMcp(client, {
      allowWrites: booleanOption(parsed, 'allow-writes'),
      areas,
      version: VERSION,
      input: ctx.io.stdin,
      output: ctx.io.stdout,
      redact: (text) => scrub(text, ctx.secrets),
      signal: ctx.signal,
    });
    return 0;
  } finally {
    await client.close();
  }
}

/** --routes as areas, each of which must have actions: a misspelt area would otherwise expose nothing, silently. */
function exposedAreas(parsed: ParsedArgs, client: QianfanClient): Set<string> | undefined {
  const text = stringOption(parsed, 'routes');
  if (text === undefined) return undefined;
  const described = new Set(client.catalogue.list().map((entry) => entry.route));
  const areas = new Set<string>();
  for (const route of text
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)) {
    const parsedRoute = parseRoute(route);
    if (!described.has(parsedRoute.route))
      throw new UsageError(`--routes: no actions are described for ${parsedRoute.route}; routes: ${[...described].join(', ')}`);
    areas.add(parsedRoute.area);
  }
  if (areas.size === 0) throw new UsageError('--routes takes a comma-separated list of areas, e.g. finetuning,dataset');
  return areas;
}
