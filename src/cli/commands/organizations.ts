import { Command, type Option } from 'commander';
import type { Organization, OrganizationList, OrganizationMemberList } from '../../client/types.js';
import { describeOrganizationDelete } from '../cascade/delete.js';
import { describeRemoval, printRotatedKeys, serviceKeyAction, serviceKeysOption } from '../cascade/removal.js';
import { UsageError } from '../errors/cli-error.js';
import { printList } from '../list.js';
import { destructiveCommand, listCommand, serverCommand } from '../options/common.js';
import { MEMBERSHIP_ROLES, roleOption } from '../options/enums.js';
import type { Column } from '../output/printer.js';
import { confirmDestructive } from '../prompts/confirm.js';
import { resolveOrganization, resolveUser, resolveUserId } from '../resolve/resources.js';
import { parseRoleAssignment } from '../resolve/role-assignment.js';
import { action } from '../action.js';
import { isDryRun, printAccessPreview, printDeletePreview, printRemovalPreview, withDryRun } from '../dry-run.js';
import { grantExpiryOf, withGrantExpiry } from '../grant-expiry.js';
import { MEMBER_COLUMNS } from './members.js';

const ORGANIZATION_COLUMNS: readonly Column<Organization>[] = [
  { header: 'ID', value: (o) => o.id },
  { header: 'NAME', value: (o) => o.name, shrinkable: true },
  { header: 'DESCRIPTION', value: (o) => o.description, shrinkable: true },
  { header: 'CREATED AT', value: (o) => o.created_at },
];

/** A `--role` option for memberships: a predefined role, or a custom role's id or name. */
export function membershipRoleOption(): Option {
  return roleOption('-r, --role <role>', "the member's role: a predefined role, or a custom role's id or name", MEMBERSHIP_ROLES).makeOptionMandatory();
}

export function build(): Command {
  const orgs = new Command('organizations');

  listCommand(orgs, 'list', 'List the organizations you can see')
    .option('-n, --name <text>', 'only organizations whose name contains TEXT (case-insensitive)')
    .action(action(async (ctx) => {
      const { name } = ctx.opts<{ name?: string }>();
      await printList<Organization, OrganizationList>(ctx, { key: 'organizations', noun: 'organizations', columns: ORGANIZATION_COLUMNS }, (page) =>
        ctx.client.organizations.list({ ...page, name }),
      );
    }));

  serverCommand(orgs, 'get', 'Show an organization')
    .argument('<organization>', 'organization name or id')
    .action(action(async (ctx, org: string) => {
      ctx.printer.object(await resolveOrganization(ctx.client, org));
    }));

  serverCommand(orgs, 'create', 'Create an organization')
    .requiredOption('-n, --name <name>', 'organization name (unique in the account)')
    .option('--description <text>', 'description')
    .action(action(async (ctx) => {
      const { name, description } = ctx.opts<{ name: string; description?: string }>();
      ctx.printer.object(await ctx.client.organizations.create({ name, description }));
    }));

  serverCommand(orgs, 'update', "Rename an organization or change its description")
    .argument('<organization>', 'organization name or id')
    .option('-n, --name <name>', 'new name')
    .option('--description <text>', 'new description ("" clears it)')
    .action(action(async (ctx, org: string) => {
      const { name, description } = ctx.opts<{ name?: string; description?: string }>();
      if (name === undefined && description === undefined) throw new UsageError('nothing to update', 'Pass --name NAME and/or --description TEXT.');
      const { id } = await resolveOrganization(ctx.client, org);
      ctx.printer.object(await ctx.client.organizations.update(id, { name, description: description === '' ? null : description }));
    }));

  withDryRun(destructiveCommand(orgs, 'delete', 'Delete an organization with all its spaces and projects'), { addOutput: true })
    .argument('<organization>', 'organization name or id')
    .action(action(async (ctx, org: string) => {
      const found = await resolveOrganization(ctx.client, org);
      if (isDryRun(ctx)) {
        printDeletePreview(ctx, await ctx.client.organizations.previewDelete(found.id));
        return;
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `delete organization ${found.name}`,
        declined: `Organization ${found.name} not deleted.`,
        consequences: async () => describeOrganizationDelete(await ctx.client.organizations.previewDelete(found.id)),
      });
      if (!proceed) return;
      await ctx.client.organizations.delete(found.id);
      ctx.printer.success(`Deleted organization ${found.name} (${found.id})`);
    }));

  listCommand(orgs, 'list-users', "List an organization's members and their roles")
    .argument('<organization>', 'organization name or id')
    .action(action(async (ctx, org: string) => {
      const { id } = await resolveOrganization(ctx.client, org);
      await printList<OrganizationMemberList['memberships'][number], OrganizationMemberList>(ctx, { key: 'memberships', noun: 'members', columns: MEMBER_COLUMNS }, (page) =>
        ctx.client.organizations.listUsers(id, page),
      );
    }));

  withGrantExpiry(withDryRun(serverCommand(orgs, 'add-user', "Add a user to an organization, or change a member's role")))
    .argument('<organization>', 'organization name or id')
    .requiredOption('--user-id <user>', 'user id or email (the user must already be in the account)')
    .addOption(membershipRoleOption())
    .action(action(async (ctx, org: string) => {
      const { userId, role } = ctx.opts<{ userId: string; role: string }>();
      const { id } = await resolveOrganization(ctx.client, org);
      const user = await resolveUserId(ctx.client, userId);
      const assignment = await parseRoleAssignment(ctx.client, role, MEMBERSHIP_ROLES, '--role');
      const body = { user_id: user, role: assignment, ...grantExpiryOf(ctx) };
      if (isDryRun(ctx)) printAccessPreview(ctx, await ctx.client.previews.addOrganizationUser(id, body));
      else ctx.printer.object(await ctx.client.organizations.addUser(id, body));
    }));

  withDryRun(destructiveCommand(orgs, 'remove-user', 'Remove a user from an organization and from every space in it'), { addOutput: true })
    .argument('<organization>', 'organization name or id')
    .requiredOption('--user-id <user>', 'user id or email')
    .addOption(serviceKeysOption())
    .action(action(async (ctx, org: string) => {
      const { userId } = ctx.opts<{ userId: string }>();
      const keys = serviceKeyAction(ctx.opts<{ serviceKeys?: string }>().serviceKeys);
      const found = await resolveOrganization(ctx.client, org);
      const user = await resolveUser(ctx.client, userId);
      if (isDryRun(ctx)) {
        const preview = await ctx.client.organizations.removeUser(found.id, user.id, { dry_run: true, service_keys: keys });
        if (preview) printRemovalPreview(ctx, preview);
        return;
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `remove ${user.email} from organization ${found.name}`,
        declined: `${user.email} not removed from ${found.name}.`,
        consequences: async () => {
          const preview = await ctx.client.organizations.removeUser(found.id, user.id, { dry_run: true, service_keys: keys });
          return preview ? describeRemoval(preview, 'organization', keys) : [];
        },
      });
      if (!proceed) return;
      const cascade = await ctx.client.organizations.removeUser(found.id, user.id, keys === 'keep' ? {} : { service_keys: keys });
      ctx.printer.success(`Removed ${user.email} from organization ${found.name}${keys === 'revoke' ? '; revoked the service keys they created there' : ''}`);
      printRotatedKeys(ctx.printer, cascade);
    }));

  return orgs;
}
