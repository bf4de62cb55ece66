/** The commands, each loaded only when asked for: the entry point and the completer read this one table. */
import type { OptionSpecs } from './argv.js';
import type { CommandContext } from './context.js';

export interface Command {
  run(args: string[], ctx: CommandContext): Promise<number>;
  /** The command's options beyond the global ones, for completion; its own flags from a schema come on top. */
  OPTIONS?: OptionSpecs;
}

export interface CommandEntry {
  synopsis: string;
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  list: { synopsis: 'list [ROUTE]', summary: 'actions and waiters, with one-line summaries', load: () => import('./commands/list.js') },
  describe: {
    synopsis: 'describe ROUTE ACTION',
    summary: 'parameters, result shape, waiters and examples of an action',
    load: () => import('./commands/describe.js'),
  },
  call: { synopsis: 'call ROUTE ACTION [--FIELD VALUE…]', summary: 'call an action; --body, --dry-run, --all', load: () => import('./commands/call.js') },
  wait: { synopsis: 'wait ROUTE WAITER [--FIELD VALUE…]', summary: 'poll until a task is done, with a progress bar', load: () => import('./commands/wait.js') },
  configure: {
    synopsis: 'configure [--profile NAME]',
    summary: 'write a profile of ~/.qianfan/config (prompts on a terminal)',
    load: () => import('./commands/configure.js'),
  },
  completion: {
    synopsis: 'completion bash|zsh|fish',
    summary: 'a shell completion script (commands, routes, actions, flags, values)',
    load: () => import('./commands/completion.js'),
  },
  serve: { synopsis: 'serve [--port N]', summary: 'run the local emulator of the console', load: () => import('./commands/serve.js') },
  lint: { synopsis: 'lint [DIR…]', summary: 'check descriptor directories', load: () => import('./commands/lint.js') },
  demo: { synopsis: 'demo', summary: 'a fine-tuning life cycle against a private emulator', load: () => import('./commands/demo.js') },
  mcp: { synopsis: 'mcp [--allow-writes]', summary: 'serve the catalogue to AI agents as MCP tools over stdio', load: () => import('./commands/mcp.js') },
};

/** The hidden command the completion scripts call back: `__complete WORD… CURRENT`. */
export const COMPLETE_COMMAND: CommandEntry = { synopsis: '__complete WORDS…', summary: 'completion candidates', load: () => import('./commands/complete.js') };
