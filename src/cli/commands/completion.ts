import type { Argv, CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';

export function completionCommand(ctx: CommandContext): CommandModule<object, object> {
  let cli: Argv | null = null;
  return {
    command: 'completion',
    describe: 'print a bash/zsh completion script',
    builder: (y) => {
      cli = y;
      return y
        .example('$0 completion >> ~/.bashrc', 'complete commands and flags in bash (zsh: >> ~/.zshrc)')
        .example('source <($0 completion)', 'for this shell only') as never;
    },
    handler: () => {
      // yargs prints through its own logger, which the app's parse callback hands to CliIo.stdout.
      cli?.showCompletionScript();
      ctx.exitCode = 0;
    },
  };
}
