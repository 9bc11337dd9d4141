import type { CommandSpec, OptionSpec } from './spec.js';

/** A zsh completion script (`source <(ax completion zsh)`, or save it as `_ax` on $fpath). */
export function zshScript(root: CommandSpec): string {
  const groupCases: string[] = [];
  const leafCases: string[] = [];
  const addLeaf = (key: string, command: CommandSpec) => {
    const lines = [`    ${q(key)})`];
    for (const option of command.options) lines.push(...valueCase(option));
    if (command.argumentChoices.length > 0) lines.push(`      [[ $cur != -* ]] && { compadd -- ${command.argumentChoices.map(q).join(' ')}; return; }`);
    const specs = command.options.flatMap((o) => (o.short ? [`${o.short}:${o.description}`, `${o.long}:${o.description}`] : [`${o.long}:${o.description}`]));
    lines.push(`      opts=(${specs.map(q).join(' ')}) ;;`);
    leafCases.push(lines.join('\n'));
  };
  // A command with subcommands is a group (`ax`, `ax users`, `ax sso`, `ax sso providers`); the others are leaves.
  const visit = (key: string, command: CommandSpec) => {
    if (command.subcommands.length === 0) {
      addLeaf(key, command);
      return;
    }
    const names = command.subcommands.map((s) => q(s.name)).join(' ');
    const described = command.subcommands.map((s) => q(`${s.name}:${s.description}`)).join(' ');
    groupCases.push(`    ${q(key)}) names=(${names}); subs=(${described}) ;;`);
    for (const sub of command.subcommands) visit(key === '' ? sub.name : `${key} ${sub.name}`, sub);
  };
  visit('', root);
  return `#compdef ax
# zsh completion for ax. Load it with: source <(ax completion zsh)   (or save as _ax on your $fpath)
_ax_group() {
  names=() subs=()
  case $1 in
${groupCases.join('\n')}
  esac
}
_ax() {
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]} key="" i
  local -a names subs opts
  # The command path typed so far: words that name a subcommand of the group before them.
  for (( i = 2; i < CURRENT; i++ )); do
    _ax_group "$key"
    (( \${names[(Ie)\${words[i]}]} )) || break
    key="\${key:+$key }\${words[i]}"
  done
  _ax_group "$key"
  if (( i == CURRENT && \${#subs} )); then
    _describe -t commands "ax\${key:+ $key} command" subs
    return
  fi
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
