import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { bashScript } from '../../src/cli/completion/bash.js';
import { fishScript } from '../../src/cli/completion/fish.js';
import { commandSpec, type CommandSpec } from '../../src/cli/completion/spec.js';
import { zshScript } from '../../src/cli/completion/zsh.js';
import { buildProgram } from '../../src/cli/program.js';

/** The SSO commands nest a level deeper than the others (`ax sso role-mappings add`): completion follows them. */
let spec: CommandSpec;
let bash: string;
beforeAll(async () => {
  spec = commandSpec(await buildProgram('*'));
  bash = bashScript(spec);
});

function completeBash(words: string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'ax-completion-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'ax.bash');
  writeFileSync(file, bash);
  const array = words.map((w) => `'${w}'`).join(' ');
  const result = spawnSync('bash', ['-c', `source ${file}; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _ax_completion; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter((line) => line !== '');
}

const verbs = (...path: string[]) => path.reduce<CommandSpec | undefined>((c, name) => c?.subcommands.find((s) => s.name === name), spec)!.subcommands.map((c) => c.name);

describe('the SSO command tree', () => {
  it('has both spellings: noun-verb per protocol and the ax sso tree', () => {
    for (const noun of ['saml-identity-providers', 'oidc-identity-providers']) {
      expect(verbs(noun)).toEqual(['list', 'get', 'create', 'update', 'delete', 'role-mappings']);
      expect(verbs(noun, 'role-mappings')).toEqual(['list', 'get', 'create', 'update', 'delete', 'evaluate']);
    }
    expect(verbs('sso')).toEqual(['providers', 'role-mappings', 'evaluate', 'explain', 'sp-info', 'scim-tokens']);
    expect(verbs('sso', 'providers')).toEqual(['list', 'get', 'create', 'update', 'delete']);
    expect(verbs('sso', 'role-mappings')).toEqual(['list', 'get', 'add', 'update', 'remove']);
    expect(verbs('sso', 'scim-tokens')).toEqual(['create', 'list', 'revoke']);
  });
});

describe('completion of nested commands', () => {
  it('bash completes groups at every depth, then the leaf flags and their values', () => {
    expect(spawnSync('bash', ['-n'], { input: bash }).status).toBe(0);
    expect(completeBash(['ax', 'ss'])).toEqual(['sso']);
    expect(completeBash(['ax', 'sso', ''])).toEqual(['providers', 'role-mappings', 'evaluate', 'explain', 'sp-info', 'scim-tokens']);
    expect(completeBash(['ax', 'sso', 'scim-tokens', 'create', '--env'])).toEqual(['--env-file']);
    expect(completeBash(['ax', 'sso', 'role-mappings', 'a'])).toEqual(['add']);
    expect(completeBash(['ax', 'sso', 'role-mappings', 'add', '--space'])).toEqual(['--space-role']);
    expect(completeBash(['ax', 'sso', 'providers', 'list', '--protocol', ''])).toEqual(['saml', 'oidc']);
    expect(completeBash(['ax', 'saml-identity-providers', 'role-mappings', 'create', '--id'])).toEqual(['--idp']);
    expect(completeBash(['ax', 'sso', 'providers', 'create', '--metadata-'])).toEqual(['--metadata-url', '--metadata-file']);
  });

  it('zsh and fish describe the nested groups and their flags', () => {
    const zsh = zshScript(spec);
    expect(zsh).toContain("'sso role-mappings') names=('list' 'get' 'add' 'update' 'remove')");
    expect(zsh).toContain("'sso providers list')");
    const fish = fishScript(spec);
    expect(fish).toContain("complete -c ax -n '__fish_seen_subcommand_from sso; and not __fish_seen_subcommand_from providers role-mappings evaluate explain sp-info scim-tokens' -a 'providers'");
    expect(fish).toContain("complete -c ax -n '__fish_seen_subcommand_from sso; and __fish_seen_subcommand_from role-mappings; and __fish_seen_subcommand_from add' -l space-role -x");
  });
});
