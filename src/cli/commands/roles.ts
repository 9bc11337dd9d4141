import { Command } from 'commander';
import type { Role, RoleList } from '../../client/types.js';
import { UsageError } from '../errors/cli-error.js';
import { printList } from '../list.js';
import { destructiveCommand, listCommand, serverCommand } from '../options/common.js';
import { parsePermissions } from '../options/permissions.js';
import type { Column } from '../output/printer.js';
import { confirmDestructive } from '../prompts/confirm.js';
import { resolveRole } from '../resolve/resources.js';
import { action } from '../action.js';
import { isDryRun, printAccessPreview, withDryRun } from '../dry-run.js';

const ROLE_COLUMNS: readonly Column<Role>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'NAME', value: (r) => r.name, shrinkable: true },
  { header: 'PREDEFINED', value: (r) => r.is_predefined },
  { header: 'PERMISSIONS', value: (r) => r.permissions.length },
  { header: 'DESCRIPTION', value: (r) => r.description, shrinkable: true },
];

export function build(): Command {
  const roles = new Command('roles');

  listCommand(roles, 'list', 'List roles')
    .option('--is-custom', 'only custom roles (their ids are stable, e.g. for SSO mappings)')
    .option('--is-predefined', 'only predefined (system) roles')
    .action(action(async (ctx) => {
      const { isCustom, isPredefined } = ctx.opts<{ isCustom?: boolean; isPredefined?: boolean }>();
      if (isCustom && isPredefined) throw new UsageError('--is-custom and --is-predefined exclude each other');
      const filter = isCustom ? false : isPredefined ? true : undefined;
      await printList<Role, RoleList>(ctx, { key: 'roles', noun: 'roles', columns: ROLE_COLUMNS }, (page) =>
        ctx.client.roles.list({ ...page, is_predefined: filter }),
      );
    }));

  serverCommand(roles, 'get', 'Show a role and its permissions')
    .argument('<role>', 'role name or id')
    .action(action(async (ctx, role: string) => {
      ctx.printer.object(await resolveRole(ctx.client, role));
    }));

  serverCommand(roles, 'create', 'Create a custom role')
    .requiredOption('-n, --name <name>', 'role name (unique in the account)')
    .requiredOption('--permissions <list>', 'comma-separated permissions, e.g. PROJECT_READ,DATASET_CREATE')
    .option('--description <text>', 'description')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ name: string; permissions: string; description?: string }>();
      const permissions = parsePermissions(opts.permissions);
      ctx.printer.object(await ctx.client.roles.create({ name: opts.name, permissions, description: opts.description }));
    }));

  withDryRun(serverCommand(roles, 'update', 'Change a custom role (--permissions replaces the whole set)'))
    .argument('<role>', 'role name or id')
    .option('-n, --name <name>', 'new name')
    .option('--permissions <list>', 'comma-separated permissions; replaces the current set')
    .option('--description <text>', 'new description ("" clears it)')
    .action(action(async (ctx, role: string) => {
      const opts = ctx.opts<{ name?: string; permissions?: string; description?: string }>();
      if (opts.name === undefined && opts.permissions === undefined && opts.description === undefined) {
        throw new UsageError('nothing to update', 'Pass --name, --permissions and/or --description.');
      }
      const permissions = opts.permissions === undefined ? undefined : parsePermissions(opts.permissions);
      const { id } = await resolveRole(ctx.client, role);
      const body = { name: opts.name, permissions, description: opts.description === '' ? null : opts.description };
      if (isDryRun(ctx)) printAccessPreview(ctx, await ctx.client.previews.updateRole(id, body));
      else ctx.printer.object(await ctx.client.roles.update(id, body));
    }));

  destructiveCommand(roles, 'delete', 'Delete a custom role, with the role bindings and memberships that use it')
    .argument('<role>', 'role name or id')
    .action(action(async (ctx, role: string) => {
      const found = await resolveRole(ctx.client, role);
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `delete role ${found.name}`,
        declined: `Role ${found.name} not deleted.`,
        consequences: async () => [
          `a custom role with ${found.permissions.length} permissions; its id ${found.id} stops working in SSO mappings`,
          'every role binding and membership that uses it is removed too',
        ],
      });
      if (!proceed) return;
      // Confirmed (or --force): the cascade was part of what was agreed to, so bindings and memberships go too.
      await ctx.client.roles.delete(found.id, { force: true });
      ctx.printer.success(`Deleted role ${found.name} (${found.id})`);
    }));

  return roles;
}
