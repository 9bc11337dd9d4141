import type { CommandSpec, OptionSpec } from './spec.js';

/** A bash completion script (`eval "$(ax completion bash)"`, or save it under bash-completion's completions dir). */
export function bashScript(root: CommandSpec): string {
  const groupCases: string[] = [];
  const valueCases: string[] = [];
  const optionCases: string[] = [];
  const argCases: string[] = [];
  const addLeaf = (key: string, command: CommandSpec) => {
    const flags = command.options.flatMap((o) => (o.short ? [o.short, o.long] : [o.long])).concat('--help');
    optionCases.push(`    ${caseKey(key)}) opts=${words(flags)} ;;`);
    for (const option of command.options) valueCases.push(...valueCase(key, option));
    if (command.argumentChoices.length > 0) argCases.push(`    ${caseKey(key)}) COMPREPLY=( $(compgen -W ${words(command.argumentChoices)} -- "$cur") ); return ;;`);
  };
  // A command with subcommands is a group (`ax`, `ax users`, `ax sso`, `ax sso providers`); the others are leaves.
  const visit = (key: string, command: CommandSpec) => {
    if (command.subcommands.length === 0) {
      addLeaf(key, command);
      return;
    }
    const names = command.subcommands.map((s) => s.name).concat(key === '' ? ['--help', '--version'] : []);
    groupCases.push(`    ${caseKey(key)}) echo ${words(names)} ;;`);
    for (const sub of command.subcommands) visit(key === '' ? sub.name : `${key} ${sub.name}`, sub);
  };
  visit('', root);
  return `# bash completion for ax. Load it with: eval "$(ax completion bash)"
_ax_subcommands() {
  case "$1" in
${groupCases.join('\n')}
  esac
}
_ax_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local key="" word subs opts="" i
  # The command path typed so far: words that name a subcommand of the group before them.
  for (( i = 1; i < COMP_CWORD; i++ )); do
    word="\${COMP_WORDS[i]}"
    subs=" $(_ax_subcommands "$key") "
    [[ "$word" != -* && "$subs" == *" $word "* ]] || break
    key="\${key:+$key }$word"
  done
  subs="$(_ax_subcommands "$key")"
  if [[ -n "$subs" ]] && (( i == COMP_CWORD )); then
    COMPREPLY=( $(compgen -W "$subs" -- "$cur") )
    return
  fi
  case "$key|$prev" in
${valueCases.join('\n')}
  esac
  if [[ "$cur" != -* ]] && [[ "$prev" != -* ]]; then
    case "$key" in
${argCases.join('\n')}
    esac
  fi
  case "$key" in
${optionCases.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  fi
}
complete -o default -o bashdefault -F _ax_completion ax
`;
}

function valueCase(key: string, option: OptionSpec): string[] {
  const names = option.short ? [option.short, option.long] : [option.long];
  const pattern = names.map((name) => `"${key}|${name}"`).join('|');
  const files = option.isPath ? ' $(compgen -f -- "$cur")' : '';
  if (option.choices.length > 0) return [`    ${pattern}) COMPREPLY=( $(compgen -W ${words(option.choices)} -- "$cur")${files} ); return ;;`];
  if (option.isPath) return [`    ${pattern}) COMPREPLY=(${files} ); return ;;`];
  if (option.takesValue) return [`    ${pattern}) return ;;`];
  return [];
}

function caseKey(key: string): string {
  return `"${key}"`;
}

function words(list: readonly string[]): string {
  return `"${list.join(' ')}"`;
}
