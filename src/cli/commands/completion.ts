/**
 * `completion bash|zsh|fish`: a script for the shell's rc file. The script holds no names: at each
 * Tab it asks `qianfan-console __complete` for the candidates, so new descriptors complete at once.
 */
import { UsageError } from '../argv.js';
import { parseCommand, type CommandContext } from '../context.js';
import { SHELLS } from './complete.js';
import { printHelp } from '../help-text.js';

const HELP = `Usage: qianfan-console completion bash|zsh|fish

Prints a completion script: commands, routes, actions, waiters, flags (those of an action's body too)
and their values (enums, output formats, profiles). Install it with, for example:

  bash:  echo 'source <(qianfan-console completion bash)' >> ~/.bashrc
  zsh:   echo 'source <(qianfan-console completion zsh)' >> ~/.zshrc
  fish:  qianfan-console completion fish > ~/.config/fish/completions/qianfan-console.fish

The script asks qianfan-console for the candidates at each Tab, so descriptors on QIANFAN_ACTIONS_PATH
(or --actions-path on the line) complete as well.
`;

const SCRIPTS: Record<(typeof SHELLS)[number], string> = {
  bash: `# qianfan-console completion for bash
_qianfan_console() {
  local IFS=$'\\n'
  COMPREPLY=($(qianfan-console __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _qianfan_console qianfan-console
`,
  zsh: `#compdef qianfan-console
# qianfan-console completion for zsh
_qianfan_console() {
  local -a candidates
  candidates=(\${(f)"$(qianfan-console __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)"})
  if (( \${#candidates} )); then compadd -- "\${candidates[@]}"; else _files; fi
}
compdef _qianfan_console qianfan-console
`,
  fish: `# qianfan-console completion for fish
function __qianfan_console_complete
    set -l words (commandline -opc) (commandline -ct)
    qianfan-console __complete $words[2..-1] 2>/dev/null
end
complete -c qianfan-console -f -a '(__qianfan_console_complete)'
`,
};

export async function run(args: string[], context: CommandContext): Promise<number> {
  const { parsed, ctx } = parseCommand(args, context);
  const shell = parsed.positionals[0];
  if (ctx.globals.help) {
    printHelp(ctx, HELP);
    return 0;
  }
  if (shell === undefined || !Object.hasOwn(SCRIPTS, shell) || parsed.positionals.length > 1) {
    throw new UsageError(
      `completion takes one of ${SHELLS.join(', ')}${shell === undefined ? '' : `; got ${JSON.stringify(parsed.positionals.join(' '))}`}`,
      'qianfan-console completion --help',
    );
  }
  ctx.io.stdout.write(SCRIPTS[shell as keyof typeof SCRIPTS]);
  return 0;
}
