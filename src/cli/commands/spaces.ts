import { Command } from 'commander';
import type { AxClient } from '../../client/client.js';
import type { Space, SpaceList, SpaceMemberList } from '../../client/types.js';
import { describeSpaceDelete } from '../cascade/delete.js';
import { describeRemoval, printRotatedKeys, serviceKeyAction, serviceKeysOption } from '../cascade/removal.js';
import { UsageError } from '../errors/cli-error.js';
import { printList } from '../list.js';
import { destructiveCommand, listCommand, serverCommand } from '../options/common.js';
import { MEMBERSHIP_ROLES } from '../options/enums.js';
import type { Column } from '../output/printer.js';
import { askChoice, askText } from '../prompts/ask.js';
import { confirmDestructive } from '../prompts/confirm.js';
import { canPrompt } from '../prompts/tty.js';
import { resolveOrganizationId, resolveSpace, resolveUser, resolveUserId } from '../resolve/resources.js';
import { parseRoleAssignment } from '../resolve/role-assignment.js';
import { action } from '../action.js';
import { isDryRun, printAccessPreview, printDeletePreview, printRemovalPreview, withDryRun } from '../dry-run.js';
import { grantExpiryOf, withGrantExpiry } from '../grant-expiry.js';
import { MEMBER_COLUMNS } from './members.js';
import { membershipRoleOption } from './organizations.js';

const SPACE_COLUMNS: readonly Column<Space>[] = [
  { header: 'ID', value: (s) => s.id },
  { header: 'NAME', value: (s) => s.name, shrinkable: true },
  { header: 'PRIVATE', value: (s) => s.is_private },
  { header: 'DESCRIPTION', value: (s) => s.description, shrinkable: true },
  { header: 'CREATED AT', value: (s) => s.created_at },
];

export function build(): Command {
  const spaces = new Command('spaces');

  listCommand(spaces, 'list', 'List the spaces you can see')
    .option('--organization-id <organization>', 'only spaces of this organization (name or id)')
    .option('-n, --name <text>', 'only spaces whose name contains TEXT (case-insensitive)')
    .action(action(async (ctx) => {
      const { organizationId, name } = ctx.opts<{ organizationId?: string; name?: string }>();
      const orgId = organizationId === undefined ? undefined : await resolveOrganizationId(ctx.client, organizationId);
      await printList<Space, SpaceList>(ctx, { key: 'spaces', noun: 'spaces', columns: SPACE_COLUMNS }, (page) =>
        ctx.client.spaces.list({ ...page, org_id: orgId, name }),
      );
    }));

  serverCommand(spaces, 'get', 'Show a space')
    .argument('<space>', 'space name or id')
    .action(action(async (ctx, space: string) => {
      ctx.printer.object(await resolveSpace(ctx.client, space));
    }));

  serverCommand(spaces, 'create', 'Create a space in an organization (prompts for what is missing on a terminal)')
    .option('-n, --name <name>', 'space name (unique in its organization)')
    .option('--organization-id <organization>', 'the organization (name or id)')
    .option('--description <text>', 'description')
    .option('--private', 'visible only to its members and admins')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ name?: string; organizationId?: string; description?: string; private?: boolean }>();
      const { description, private: isPrivate } = opts;
      // As Arize's `ax spaces create`: a missing --name or --organization-id is asked for on a terminal.
      if ((opts.name === undefined || opts.organizationId === undefined) && !canPrompt()) {
        throw new UsageError(`missing ${opts.name === undefined ? '--name' : '--organization-id'}`, 'Pass --name NAME --organization-id ORG (name or id).');
      }
      const orgId = opts.organizationId === undefined ? await askOrganization(ctx.client) : await resolveOrganizationId(ctx.client, opts.organizationId);
      const name = opts.name ?? (await askText('Space name:', { validate: (v) => v.trim() !== '' || 'a name is required' })).trim();
      ctx.printer.object(await ctx.client.spaces.create({ name, organization_id: orgId, description, is_private: isPrivate }));
    }));

  serverCommand(spaces, 'update', "Rename a space, change its description or its privacy")
    .argument('<space>', 'space name or id')
    .option('-n, --name <name>', 'new name')
    .option('--description <text>', 'new description ("" clears it)')
    .option('--private', 'make the space private')
    .option('--no-private', 'make the space visible to the organization')
    .action(action(async (ctx, space: string) => {
      const { name, description, private: isPrivate } = ctx.opts<{ name?: string; description?: string; private?: boolean }>();
      if (name === undefined && description === undefined && isPrivate === undefined) {
        throw new UsageError('nothing to update', 'Pass --name, --description, --private or --no-private.');
      }
      const { id } = await resolveSpace(ctx.client, space);
      ctx.printer.object(await ctx.client.spaces.update(id, { name, description: description === '' ? null : description, is_private: isPrivate }));
    }));

  withDryRun(destructiveCommand(spaces, 'delete', 'Delete a space with all its projects (asks you to type its name)'), { addOutput: true })
    .argument('<space>', 'space name or id')
    .action(action(async (ctx, space: string) => {
      const found = await resolveSpace(ctx.client, space);
      if (isDryRun(ctx)) {
        printDeletePreview(ctx, await ctx.client.spaces.previewDelete(found.id));
        return;
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `delete space ${found.name}`,
        declined: `Space ${found.name} not deleted.`,
        typeToConfirm: found.name,
        consequences: async () => describeSpaceDelete(await ctx.client.spaces.previewDelete(found.id)),
      });
      if (!proceed) return;
      await ctx.client.spaces.delete(found.id);
      ctx.printer.success(`Deleted space ${found.name} (${found.id})`);
    }));

  listCommand(spaces, 'list-users', "List a space's members and their roles")
    .argument('<space>', 'space name or id')
    .action(action(async (ctx, space: string) => {
      const { id } = await resolveSpace(ctx.client, space);
      await printList<SpaceMemberList['memberships'][number], SpaceMemberList>(ctx, { key: 'memberships', noun: 'members', columns: MEMBER_COLUMNS }, (page) =>
        ctx.client.spaces.listUsers(id, page),
      );
    }));

  withGrantExpiry(withDryRun(serverCommand(spaces, 'add-user', "Add a user to a space, or change a member's role")))
    .argument('<space>', 'space name or id')
    .requiredOption('--user-id <user>', "user id or email (the user must be a member of the space's organization)")
    .addOption(membershipRoleOption())
    .action(action(async (ctx, space: string) => {
      const { userId, role } = ctx.opts<{ userId: string; role: string }>();
      const { id } = await resolveSpace(ctx.client, space);
      const user = await resolveUserId(ctx.client, userId);
      const assignment = await parseRoleAssignment(ctx.client, role, MEMBERSHIP_ROLES, '--role');
      const body = { user_id: user, role: assignment, ...grantExpiryOf(ctx) };
      if (isDryRun(ctx)) printAccessPreview(ctx, await ctx.client.previews.addSpaceUser(id, body));
      else ctx.printer.object(await ctx.client.spaces.addUser(id, body));
    }));

  withDryRun(destructiveCommand(spaces, 'remove-user', 'Remove a user from a space (their role bindings there go too)'), { addOutput: true })
    .argument('<space>', 'space name or id')
    .requiredOption('--user-id <user>', 'user id or email')
    .addOption(serviceKeysOption())
    .action(action(async (ctx, space: string) => {
      const { userId } = ctx.opts<{ userId: string }>();
      const keys = serviceKeyAction(ctx.opts<{ serviceKeys?: string }>().serviceKeys);
      const found = await resolveSpace(ctx.client, space);
      const user = await resolveUser(ctx.client, userId);
      if (isDryRun(ctx)) {
        const preview = await ctx.client.spaces.removeUser(found.id, user.id, { dry_run: true, service_keys: keys });
        if (preview) printRemovalPreview(ctx, preview);
        return;
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `remove ${user.email} from space ${found.name}`,
        declined: `${user.email} not removed from ${found.name}.`,
        consequences: async () => {
          const preview = await ctx.client.spaces.removeUser(found.id, user.id, { dry_run: true, service_keys: keys });
          return preview ? describeRemoval(preview, 'space', keys) : [];
        },
      });
      if (!proceed) return;
      const cascade = await ctx.client.spaces.removeUser(found.id, user.id, keys === 'keep' ? {} : { service_keys: keys });
      ctx.printer.success(`Removed ${user.email} from space ${found.name}${keys === 'revoke' ? '; revoked the service keys they created there' : ''}`);
      printRotatedKeys(ctx.printer, cascade);
    }));

  return spaces;
}

/** The organization for a new space, picked from the caller's organizations (a name or id can be typed when there are many). */
async function askOrganization(client: AxClient): Promise<string> {
  const { organizations, pagination } = await client.organizations.list({ limit: 100 });
  if (organizations.length === 0) throw new UsageError('there is no organization to create the space in', 'Create one with `ax organizations create --name NAME`.');
  if (pagination.has_more) return resolveOrganizationId(client, (await askText('Organization (name or id):', { validate: (v) => v.trim() !== '' || 'an organization is required' })).trim());
  return askChoice('Organization:', organizations.map((o) => ({ value: o.id, name: o.name })));
}
