import type { CommandSpec, OptionSpec } from './spec.js';

/** A fish completion script (`ax completion fish | source`, or save it as ~/.config/fish/completions/ax.fish). */
export function fishScript(root: CommandSpec): string {
  const lines = [
    '# fish completion for ax. Load it with: ax completion fish | source',
    'complete -c ax -f',
  ];
  const nounNames = root.subcommands.map((n) => n.name).join(' ');
  lines.push(`complete -c ax -n 'not __fish_seen_subcommand_from ${nounNames}' -l help -d 'show help'`);
  lines.push(`complete -c ax -n 'not __fish_seen_subcommand_from ${nounNames}' -l version -d 'print the version'`);
  // A group's subcommands are offered once its path is typed and none of them is yet; a leaf's flags once its path is.
  const visit = (path: readonly string[], command: CommandSpec) => {
    const seen = path.map((name) => `__fish_seen_subcommand_from ${name}`).join('; and ');
    if (command.subcommands.length === 0) {
      lines.push(...leaf(seen, command));
      return;
    }
    const subNames = command.subcommands.map((sub) => sub.name).join(' ');
    const offer = path.length === 0 ? '__fish_use_subcommand' : `${seen}; and not __fish_seen_subcommand_from ${subNames}`;
    for (const sub of command.subcommands) {
      lines.push(`complete -c ax -n '${offer}' -a ${q(sub.name)} -d ${q(sub.description)}`);
      visit([...path, sub.name], sub);
    }
  };
  visit([], root);
  return lines.join('\n') + '\n';
}

function leaf(condition: string, command: CommandSpec): string[] {
  const out = command.options.map((option) => `complete -c ax -n '${condition}' ${flags(option)} -d ${q(option.description)}`);
  if (command.argumentChoices.length > 0) out.push(`complete -c ax -n '${condition}' -a ${q(command.argumentChoices.join(' '))}`);
  return out;
}

function flags(option: OptionSpec): string {
  const names = `${option.short ? `-s ${option.short.slice(1)} ` : ''}-l ${option.long.slice(2)}`;
  if (!option.takesValue) return names;
  if (option.choices.length > 0) return `${names} ${option.isPath ? '-r -F' : '-x'} -a ${q(option.choices.join(' '))}`;
  return `${names} ${option.isPath ? '-r -F' : '-x'}`;
}

/** Single-quoted for fish (only \\ and ' are escapes). */
function q(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
