/**
 * The catalogue as Model Context Protocol tools over stdio, on the official TypeScript SDK. Three tools
 * rather than one per action, so that an agent's context stays the same size however large the
 * catalogue grows: list_actions, then describe_action for the one it needs, then call_action.
 * Loaded by `qianfan-console mcp` only; nothing else imports this module or the SDK.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { z } from 'zod';
import { QianfanError, type QianfanClient } from '../index.js';
import { CatalogueTools, ToolRefusal, type ExposurePolicy } from './catalogue-tools.js';

export interface McpServeOptions extends ExposurePolicy {
  version: string;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Removes secrets from any text before it leaves (the library's errors carry none; this is the last guard). */
  redact: (text: string) => string;
  /** Ends the server, as the end of the input does. */
  signal: AbortSignal;
}

const ROUTE = z.string().describe('/v2/<area> or just <area>, e.g. finetuning');
const ACTION = z.string().describe('action name, e.g. DescribeFineTuningJobs');

/** Serves until the client closes the input or the signal fires. */
export async function serveMcp(client: QianfanClient, options: McpServeOptions): Promise<void> {
  const tools = new CatalogueTools(client, options);
  const server = new McpServer({ name: 'qianfan-console', version: options.version });
  // Calls still running when the input ends are answered before the server closes, so that requests
  // piped in (printf … | qianfan-console mcp) all get their answers.
  const inFlight = new Set<Promise<CallToolResult>>();
  const answer = (work: () => unknown): Promise<CallToolResult> => {
    const answered = toolResult(work, options.redact).finally(() => inFlight.delete(answered));
    inFlight.add(answered);
    return answered;
  };

  server.registerTool(
    'list_actions',
    {
      description: `Lists the Baidu Qianfan console actions this server exposes (routes: ${tools.exposedRoutes().join(', ')}), each with a one-line summary, whether it writes (creates, changes, deletes or buys something) and whether it pages. Give a route to list one area.`,
      inputSchema: { route: ROUTE.optional() },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ route }) => answer(() => ({ actions: tools.listActions(route) })),
  );

  server.registerTool(
    'describe_action',
    {
      description:
        'Describes one action: the JSON Schema of its body and of its result, examples, notes, how it pages and the waiters that poll it. Read it before call_action.',
      inputSchema: { route: ROUTE, action: ACTION },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ route, action }) => answer(() => tools.describeAction(route, action)),
  );

  server.registerTool(
    'call_action',
    {
      description: [
        'Calls one console action with a JSON body, checked against its schema first (a bad body comes back as an error listing each problem by path; nothing is sent).',
        options.allowWrites
          ? 'This server was started with --allow-writes: actions that write are sent.'
          : 'This server is read-only: actions that write are refused (it was started without --allow-writes).',
        'dryRun: true sends nothing and returns the signed request, signature masked.',
        'An action that pages answers one page: while more follow, the answer has nextMarker and nextBody; call again with nextBody for the next page.',
      ].join(' '),
      inputSchema: {
        route: ROUTE,
        action: ACTION,
        body: z.record(z.string(), z.unknown()).optional().describe('the request body, as describe_action shows its schema; default {}'),
        dryRun: z.boolean().optional().describe('return the signed request (signature masked) instead of sending it'),
      },
      annotations: { readOnlyHint: !options.allowWrites, destructiveHint: options.allowWrites, idempotentHint: false, openWorldHint: true },
    },
    ({ route, action, body, dryRun }, extra) => answer(() => tools.callAction({ route, action, body, dryRun, signal: extra.signal })),
  );

  const transport = new StdioServerTransport(options.input as NodeJS.ReadStream, options.output as NodeJS.WriteStream);
  await server.connect(transport);
  await new Promise<void>((resolve) => {
    options.input.once('end', resolve);
    options.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  if (!options.signal.aborted) await answered(inFlight);
  await server.close();
}

/**
 * Waits until no tool call is running. The SDK starts a handler a few promise steps after the line
 * arrives, and sends its answer a few steps after it settles: a turn of the event loop before each
 * look lets both happen (no I/O stands between a line and its handler).
 */
async function answered(inFlight: ReadonlySet<Promise<unknown>>): Promise<void> {
  for (;;) {
    await nextTurn();
    if (inFlight.size === 0) return;
    await Promise.allSettled(inFlight);
  }
}

async function toolResult(work: () => unknown, redact: (text: string) => string): Promise<CallToolResult> {
  try {
    return { content: [{ type: 'text', text: redact(JSON.stringify(await work())) }] };
  } catch (error) {
    return { isError: true, content: [{ type: 'text', text: redact(JSON.stringify({ error: errorReport(error) })) }] };
  }
}

/** What an agent needs to put a failure right: the library's code and message, the validation problems by path, the requestId. */
function errorReport(error: unknown): Record<string, unknown> {
  if (error instanceof QianfanError || error instanceof ToolRefusal) return error.toJSON();
  return { name: 'Error', message: error instanceof Error ? error.message : String(error) };
}
