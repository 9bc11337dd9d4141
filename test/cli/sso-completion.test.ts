import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { bashScript } from '../../src/cli/completion/bash.js';
import { fishScript } from '../../src/cli/completion/fish.js';
import { commandSpec, type CommandSpec } from '../../src/cli/completion/spec.js';
import { zshScript } from '../../src/cli/completion/zsh.js';
import { buildProgram } from '../../src/cli/program.js';
import { completeBash } from './bash-completion.js';

/** The SSO commands nest a level deeper than the others (`ax sso role-mappings add`): completion follows them. */
let spec: CommandSpec;
let bash: string;
beforeAll(async () => {
  spec = commandSpec(await buildProgram('*'));
  bash = bashScript(spec);
});

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
    expect(completeBash(bash, ['ax', 'ss'])).toEqual(['sso']);
    expect(completeBash(bash, ['ax', 'sso', ''])).toEqual(['providers', 'role-mappings', 'evaluate', 'explain', 'sp-info', 'scim-tokens']);
    expect(completeBash(bash, ['ax', 'sso', 'scim-tokens', 'create', '--env'])).toEqual(['--env-file']);
    expect(completeBash(bash, ['ax', 'sso', 'role-mappings', 'a'])).toEqual(['add']);
    expect(completeBash(bash, ['ax', 'sso', 'role-mappings', 'add', '--space'])).toEqual(['--space-role']);
    expect(completeBash(bash, ['ax', 'sso', 'providers', 'list', '--protocol', ''])).toEqual(['saml', 'oidc']);
    expect(completeBash(bash, ['ax', 'saml-identity-providers', 'role-mappings', 'create', '--id'])).toEqual(['--idp']);
    expect(completeBash(bash, ['ax', 'sso', 'providers', 'create', '--metadata-'])).toEqual(['--metadata-url', '--metadata-file']);
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
