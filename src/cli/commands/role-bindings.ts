import { Command } from 'commander';
import type { AxClient } from '../../client/client.js';
import { HttpError } from '../../client/errors.js';
import type { RoleBinding, RoleBindingList, RoleBindingResourceType } from '../../client/types.js';
import { CliError, UsageError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import { fetchList, printList } from '../list.js';
import { destructiveCommand, listCommand, serverCommand } from '../options/common.js';
import { BINDING_RESOURCE_TYPES, enumOption } from '../options/enums.js';
import type { Column } from '../output/printer.js';
import { confirmDestructive } from '../prompts/confirm.js';
import { idType } from '../resolve/id.js';
import { resolveProjectId, resolveRoleId, resolveSpaceId, resolveUserId } from '../resolve/resources.js';
import { action } from '../action.js';
import { isDryRun, printAccessPreview, withDryRun } from '../dry-run.js';
import { grantExpiryOf, withGrantExpiry } from '../grant-expiry.js';

const ROLE_BINDING_COLUMNS: readonly Column<RoleBinding>[] = [
  { header: 'ID', value: (b) => b.id },
  { header: 'USER ID', value: (b) => b.user_id },
  { header: 'ROLE ID', value: (b) => b.role_id },
  { header: 'RESOURCE TYPE', value: (b) => b.resource_type },
  { header: 'RESOURCE ID', value: (b) => b.resource_id },
  { header: 'EXPIRES AT', value: (b) => b.expires_at ?? 'never' },
  { header: 'CREATED AT', value: (b) => b.created_at },
];

export function build(): Command {
  const bindings = new Command('role-bindings');

  listCommand(bindings, 'list', 'List role bindings (both resource types unless --resource-type is given)')
    .option('--user-id <user>', 'only bindings of this user (id or email)')
    .addOption(enumOption('--resource-type <type>', 'only bindings on this kind of resource', BINDING_RESOURCE_TYPES))
    .option('--resource-id <id>', 'only bindings on this space or project (its type is read from the id)')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ userId?: string; resourceType?: RoleBindingResourceType; resourceId?: string }>();
      const resourceId = opts.resourceId;
      const resourceType = opts.resourceType ?? (resourceId === undefined ? undefined : typeOfResource(resourceId));
      const userId = opts.userId === undefined ? undefined : await resolveUserId(ctx.client, opts.userId);
      const view = { key: 'role_bindings', noun: 'role bindings', columns: ROLE_BINDING_COLUMNS };
      if (resourceType !== undefined) {
        await printList<RoleBinding, RoleBindingList>(ctx, view, (page) =>
          ctx.client.roleBindings.list({ ...page, resource_type: resourceType, user_id: userId, resource_id: resourceId }),
        );
        return;
      }
      // The API lists one resource type at a time; without --resource-type both lists are shown, each up to --limit.
      if (ctx.opts().cursor !== undefined) throw new UsageError('--cursor needs --resource-type (each resource type pages separately)');
      const lists = await Promise.all(BINDING_RESOURCE_TYPES.map((type) =>
        fetchList<RoleBinding, RoleBindingList>(ctx, 'role_bindings', (page) => ctx.client.roleBindings.list({ ...page, resource_type: type, user_id: userId })),
      ));
      const items = lists.flatMap((list) => list.items);
      const more = lists.some((list) => list.nextCursor !== undefined);
      ctx.printer.list({ ...view, items, response: { role_bindings: items, pagination: { has_more: more } } });
      if (more && ctx.printer.isTable) ctx.printer.line(ctx.printer.style.dim('More role bindings available: add --resource-type SPACE|PROJECT to page through one type, or --all.'));
    }));

  serverCommand(bindings, 'get', 'Show a role binding')
    .argument('<binding-id>', 'role binding id')
    .action(action(async (ctx, id: string) => {
      ctx.printer.object(await ctx.client.roleBindings.get(id));
    }));

  withGrantExpiry(withDryRun(serverCommand(bindings, 'create', 'Grant a role to a user on a space or project (exits 0 if that binding exists)')))
    .requiredOption('--user-id <user>', 'user id or email')
    .requiredOption('--role-id <role>', 'role id or name')
    .addOption(enumOption('--resource-type <type>', 'kind of resource', BINDING_RESOURCE_TYPES).makeOptionMandatory())
    .requiredOption('--resource-id <resource>', 'the space or project: its id, or its name (a project name needs --space)')
    .option('-s, --space <space>', 'space of a project given by name (default: ARIZE_SPACE)')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ userId: string; roleId: string; resourceType: RoleBindingResourceType; resourceId: string; space?: string }>();
      const [userId, roleId, resourceId] = await Promise.all([
        resolveUserId(ctx.client, opts.userId),
        resolveRoleId(ctx.client, opts.roleId),
        // Names as everywhere else (cli.md "names or ids"); an id goes to the server as given, which checks its type.
        opts.resourceType === 'SPACE' ? resolveSpaceId(ctx.client, opts.resourceId) : resolveProjectId(ctx.client, opts.resourceId, ctx.space(opts.space)),
      ]);
      const body = { user_id: userId, role_id: roleId, resource_type: opts.resourceType, resource_id: resourceId, ...grantExpiryOf(ctx) };
      if (isDryRun(ctx)) {
        printAccessPreview(ctx, await ctx.client.previews.createRoleBinding(body));
        return;
      }
      try {
        ctx.printer.object(await ctx.client.roleBindings.create(body));
      } catch (error) {
        if (!(error instanceof HttpError) || error.status !== 409) throw error;
        const existing = await findBinding(ctx.client, body);
        if (existing && existing.role_id !== roleId) {
          throw new CliError(`the user already has a different role (${existing.role_id}) on this ${opts.resourceType.toLowerCase()} (binding ${existing.id})`, {
            exitCode: EXIT.API,
            suggestion: `One binding per user and resource: change its role with \`ax role-bindings update ${existing.id} --role-id ${roleId}\`.`,
          });
        }
        ctx.printer.info(`${ctx.printer.errStyle.green('✓')} Role binding already exists${existing ? ` (${existing.id})` : ''}; nothing to do.`);
        if (existing) ctx.printer.object(existing);
      }
    }));

  withDryRun(serverCommand(bindings, 'update', 'Change the role of a role binding'))
    .argument('<binding-id>', 'role binding id')
    .requiredOption('--role-id <role>', 'new role id or name')
    .action(action(async (ctx, id: string) => {
      const roleId = await resolveRoleId(ctx.client, ctx.opts<{ roleId: string }>().roleId);
      if (isDryRun(ctx)) {
        printAccessPreview(ctx, await ctx.client.previews.updateRoleBinding(id, { role_id: roleId }));
        return;
      }
      ctx.printer.object(await ctx.client.roleBindings.update(id, { role_id: roleId }));
    }));

  withDryRun(destructiveCommand(bindings, 'delete', 'Delete a role binding'), { addOutput: true })
    .argument('<binding-id>', 'role binding id')
    .action(action(async (ctx, id: string) => {
      if (isDryRun(ctx)) {
        printAccessPreview(ctx, await ctx.client.previews.deleteRoleBinding(id));
        return;
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `delete role binding ${id}`,
        declined: `Role binding ${id} not deleted.`,
        consequences: async () => {
          const b = await ctx.client.roleBindings.get(id);
          return [`user ${b.user_id} loses role ${b.role_id} on ${b.resource_type} ${b.resource_id}`];
        },
      });
      if (!proceed) return;
      await ctx.client.roleBindings.delete(id);
      ctx.printer.success(`Deleted role binding ${id}`);
    }));

  return bindings;
}

/** The binding that made a create answer 409: same user and resource (there is one per pair). */
async function findBinding(
  client: AxClient,
  wanted: { user_id: string; resource_type: RoleBindingResourceType; resource_id: string },
): Promise<RoleBinding | undefined> {
  const { user_id, resource_type, resource_id } = wanted;
  try {
    // Filtered by resource_id where the server supports it; matched here too for servers that ignore the filter.
    for await (const binding of client.roleBindings.iterate({ user_id, resource_type, resource_id })) {
      if (binding.resource_id === resource_id) return binding;
    }
    return undefined;
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return undefined;
  }
}

/** SPACE or PROJECT, from a resource id (`Space:…` / `Project:…`); anything else needs --resource-type. */
function typeOfResource(id: string): RoleBindingResourceType {
  const type = idType(id);
  if (type === 'Space') return 'SPACE';
  if (type === 'Project') return 'PROJECT';
  throw new UsageError(`--resource-id ${id} is not a space or project id`, 'Pass the id of a space or a project (see `ax spaces list`, `ax projects list`).');
}
