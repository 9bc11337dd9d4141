import type { CommandSpec, OptionSpec } from './spec.js';

/** A zsh completion script (`source <(ax completion zsh)`, or save it as `_ax` on $fpath). */
export function zshScript(root: CommandSpec): string {
  const nouns = root.subcommands;
  const verbCases: string[] = [];
  const leafCases: string[] = [];
  const addLeaf = (key: string, command: CommandSpec) => {
    const lines = [`    ${q(key)})`];
    for (const option of command.options) lines.push(...valueCase(option));
    if (command.argumentChoices.length > 0) lines.push(`      [[ $cur != -* ]] && { compadd -- ${command.argumentChoices.map(q).join(' ')}; return; }`);
    const specs = command.options.flatMap((o) => (o.short ? [`${o.short}:${o.description}`, `${o.long}:${o.description}`] : [`${o.long}:${o.description}`]));
    lines.push(`      opts=(${specs.map(q).join(' ')}) ;;`);
    leafCases.push(lines.join('\n'));
  };
  for (const noun of nouns) {
    if (noun.subcommands.length > 0) {
      verbCases.push(`    ${q(noun.name)}) verbs=(${noun.subcommands.map((s) => q(`${s.name}:${s.description}`)).join(' ')}) ;;`);
      for (const verb of noun.subcommands) addLeaf(`${noun.name} ${verb.name}`, verb);
    } else {
      addLeaf(noun.name, noun);
    }
  }
  return `#compdef ax
# zsh completion for ax. Load it with: source <(ax completion zsh)   (or save as _ax on your $fpath)
_ax() {
  local noun=\${words[2]} verb="" cur=\${words[CURRENT]} prev=\${words[CURRENT-1]} key
  local -a nouns verbs opts
  if (( CURRENT == 2 )); then
    nouns=(${nouns.map((n) => q(`${n.name}:${n.description}`)).join(' ')})
    _describe -t commands 'ax command' nouns
    return
  fi
  if (( CURRENT == 3 )); then
    case $noun in
${verbCases.join('\n')}
    esac
    if (( \${#verbs} )); then _describe -t commands "ax $noun subcommand" verbs; return; fi
  fi
  if (( CURRENT > 3 )) && [[ \${words[3]} != -* ]]; then verb=\${words[3]}; fi
  key="$noun\${verb:+ $verb}"
  case $key in
${leafCases.join('\n')}
  esac
  if [[ $cur == -* ]]; then _describe -t options 'option' opts; else _files; fi
}
if [[ $funcstack[1] == _ax ]]; then _ax "$@"; else compdef _ax ax; fi
`;
}

function valueCase(option: OptionSpec): string[] {
  const names = option.short ? [option.short, option.long] : [option.long];
  const test = names.map((name) => `$prev == ${q(name)}`).join(' || ');
  if (option.choices.length > 0) {
    return [`      if [[ ${test} ]]; then compadd -- ${option.choices.map(q).join(' ')};${option.isPath ? ' _files;' : ''} return; fi`];
  }
  if (option.isPath) return [`      if [[ ${test} ]]; then _files; return; fi`];
  if (option.takesValue) return [`      if [[ ${test} ]]; then return; fi`];
  return [];
}

/** Single-quoted for zsh; `:` in the name part of a `name:description` pair is escaped by _describe's rules. */
function q(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
