import { Argument, Command } from 'commander';
import { bashScript } from '../completion/bash.js';
import { fishScript } from '../completion/fish.js';
import { commandSpec } from '../completion/spec.js';
import { zshScript } from '../completion/zsh.js';
import { action } from '../action.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

export function build(): Command {
  return new Command('completion')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(Object.keys(SCRIPTS)))
    .addHelpText('after', [
      '',
      'Load it:',
      '  bash  eval "$(ax completion bash)"          (e.g. in ~/.bashrc)',
      '  zsh   source <(ax completion zsh)            (e.g. in ~/.zshrc)',
      '  fish  ax completion fish | source            (or > ~/.config/fish/completions/ax.fish)',
    ].join('\n'))
    .action(action(async (ctx, shell: keyof typeof SCRIPTS) => {
      // Every command module is loaded here (and only here) to describe the whole tree.
      const { buildProgram } = await import('../program.js');
      const spec = commandSpec(await buildProgram('*'));
      ctx.printer.line(SCRIPTS[shell](spec).trimEnd());
    }, { offline: true }));
}
