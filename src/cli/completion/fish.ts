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
  for (const noun of root.subcommands) {
    lines.push(`complete -c ax -n '__fish_use_subcommand' -a ${q(noun.name)} -d ${q(noun.description)}`);
    if (noun.subcommands.length === 0) {
      lines.push(...leaf(`__fish_seen_subcommand_from ${noun.name}`, noun));
      continue;
    }
    const verbNames = noun.subcommands.map((v) => v.name).join(' ');
    for (const verb of noun.subcommands) {
      lines.push(`complete -c ax -n '__fish_seen_subcommand_from ${noun.name}; and not __fish_seen_subcommand_from ${verbNames}' -a ${q(verb.name)} -d ${q(verb.description)}`);
      lines.push(...leaf(`__fish_seen_subcommand_from ${noun.name}; and __fish_seen_subcommand_from ${verb.name}`, verb));
    }
  }
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
