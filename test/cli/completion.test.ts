import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { bashScript } from '../../src/cli/completion/bash.js';
import { fishScript } from '../../src/cli/completion/fish.js';
import { commandSpec, type CommandSpec } from '../../src/cli/completion/spec.js';
import { zshScript } from '../../src/cli/completion/zsh.js';
import { buildProgram } from '../../src/cli/program.js';
import { runAx } from './ax-process.js';
import { completeBash } from './bash-completion.js';

let spec: CommandSpec;
beforeAll(async () => {
  spec = commandSpec(await buildProgram('*'));
});

const hasShell = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

describe('the command tree', () => {
  it('holds every noun of the seed and its verbs', () => {
    const verbs = (noun: string) => spec.subcommands.find((c) => c.name === noun)!.subcommands.map((c) => c.name);
    expect(verbs('users')).toEqual(['list', 'get', 'create', 'update', 'set-role', 'delete', 'resend-invitation', 'reset-password', 'deactivate', 'reactivate']);
    expect(verbs('api-keys')).toEqual(['list', 'get', 'create', 'create-service-key', 'refresh', 'revoke', 'transfer', 'report-leak']);
    expect(verbs('resource-restrictions')).toEqual(['list', 'restrict', 'unrestrict']);
    expect(verbs('profiles')).toEqual(['create', 'show', 'update', 'use', 'list', 'delete', 'validate']);
  });
});

describe('bash', () => {
  it('is valid bash and completes nouns, verbs, flags and enum values', () => {
    const script = bashScript(spec);
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    expect(completeBash(script, ['ax', 'ro'])).toEqual(['roles', 'role-bindings']);
    expect(completeBash(script, ['ax', 'api-keys', 'cr'])).toEqual(['create', 'create-service-key']);
    expect(completeBash(script, ['ax', 'users', 'list', '--st'])).toEqual(['--status']);
    expect(completeBash(script, ['ax', 'users', 'list', '--status', ''])).toEqual(['active', 'invited', 'expired']);
    expect(completeBash(script, ['ax', 'spaces', 'add-user', 'team-alpha', '--role', 'r'])).toEqual(['read-only']);
    expect(completeBash(script, ['ax', 'role-bindings', 'create', '--resource-type', ''])).toEqual(['space', 'project']);
    expect(completeBash(script, ['ax', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
    expect(completeBash(script, ['ax', 'users', 'list', '-o', 'y'])).toEqual(['yaml']);
  });
});

describe('zsh', () => {
  it('describes nouns, verbs and flags with their help text', () => {
    const script = zshScript(spec);
    expect(script.startsWith('#compdef ax\n')).toBe(true);
    expect(script).toContain("'users:Invite, list, update and delete account users'");
    expect(script).toContain("'create-service-key:Create a service key: a bot user scoped to spaces, for pipelines'");
    expect(script).toContain("compadd -- 'active' 'invited' 'expired'");
    expect(script).toContain('compdef _ax ax');
    if (hasShell('zsh')) expect(spawnSync('zsh', ['-n'], { input: script }).status).toBe(0);
  });
});

describe('fish', () => {
  it('declares one complete line per noun, verb and flag', () => {
    const script = fishScript(spec);
    expect(script).toContain("complete -c ax -n '__fish_use_subcommand' -a 'users' -d 'Invite, list, update and delete account users'");
    expect(script).toContain("complete -c ax -n '__fish_seen_subcommand_from users; and __fish_seen_subcommand_from list' -s s -l status -x -a 'active invited expired'");
    expect(script).toContain("-l env-file -r -F");
    if (hasShell('fish')) expect(spawnSync('fish', ['--no-execute'], { input: script }).status).toBe(0);
  });
});

describe('ax completion', () => {
  it('prints the script for the shell named, and rejects others', async () => {
    const bash = await runAx(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -o default -o bashdefault -F _ax_completion ax');
    expect((await runAx(['completion', 'powershell'])).code).toBe(2);
  });
});
