import type { CommandSpec, OptionSpec } from './spec.js';

/** A bash completion script (`eval "$(ax completion bash)"`, or save it under bash-completion's completions dir). */
export function bashScript(root: CommandSpec): string {
  const nouns = root.subcommands;
  const valueCases: string[] = [];
  const optionCases: string[] = [];
  const verbCases: string[] = [];
  const argCases: string[] = [];
  const addLeaf = (key: string, command: CommandSpec) => {
    const flags = command.options.flatMap((o) => (o.short ? [o.short, o.long] : [o.long])).concat('--help');
    optionCases.push(`    ${caseKey(key)}) opts=${words(flags)} ;;`);
    for (const option of command.options) valueCases.push(...valueCase(key, option));
    if (command.argumentChoices.length > 0) argCases.push(`    ${caseKey(key)}) COMPREPLY=( $(compgen -W ${words(command.argumentChoices)} -- "$cur") ); return ;;`);
  };
  for (const noun of nouns) {
    if (noun.subcommands.length > 0) {
      verbCases.push(`    ${caseKey(noun.name)}) COMPREPLY=( $(compgen -W ${words(noun.subcommands.map((s) => s.name))} -- "$cur") ); return ;;`);
      for (const verb of noun.subcommands) addLeaf(`${noun.name} ${verb.name}`, verb);
    } else {
      addLeaf(noun.name, noun);
    }
  }
  return `# bash completion for ax. Load it with: eval "$(ax completion bash)"
_ax_completion() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local noun="\${COMP_WORDS[1]}" verb="" key opts=""
  if (( COMP_CWORD == 1 )); then
    COMPREPLY=( $(compgen -W ${words(nouns.map((n) => n.name).concat('--help', '--version'))} -- "$cur") )
    return
  fi
  if (( COMP_CWORD == 2 )); then
    case "$noun" in
${verbCases.join('\n')}
    esac
  fi
  if (( COMP_CWORD >= 3 )) && [[ "\${COMP_WORDS[2]}" != -* ]]; then verb="\${COMP_WORDS[2]}"; fi
  key="$noun\${verb:+ $verb}"
  case "$key|$prev" in
${valueCases.join('\n')}
  esac
  if [[ "$cur" != -* ]] && [[ "$prev" != -* || "$prev" == "$noun" ]]; then
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
