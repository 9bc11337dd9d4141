import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { HttpError } from '../../client/errors.js';
import type { AccountRoleName, InviteMode, RemovalCascade, ServiceKeyAction, User, UserList, UserStatus } from '../../client/types.js';
import { plural } from '../cascade/plural.js';
import { describeRemoval, printRotatedKeys, serviceKeyAction, serviceKeysOption } from '../cascade/removal.js';
import type { CommandContext } from '../context.js';
import { UsageError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import { printList } from '../list.js';
import { destructiveCommand, listCommand, serverCommand, withOutput } from '../options/common.js';
import { ACCOUNT_ROLES, displayEnum, enumOption, INVITE_MODES, parseEnum, USER_STATUSES } from '../options/enums.js';
import { collectList } from '../options/values.js';
import type { Column } from '../output/printer.js';
import { askText } from '../prompts/ask.js';
import { confirmDestructive } from '../prompts/confirm.js';
import { canPrompt } from '../prompts/tty.js';
import { NameNotFoundError } from '../resolve/errors.js';
import { isResourceId } from '../resolve/id.js';
import { resolveUser, resolveUserId } from '../resolve/resources.js';
import { action } from '../action.js';
import { isDryRun, printAccessPreview, printRemovalPreview, withDryRun } from '../dry-run.js';

const USER_COLUMNS: readonly Column<User>[] = [
  { header: 'ID', value: (u) => u.id },
  { header: 'NAME', value: (u) => u.name, shrinkable: true },
  { header: 'EMAIL', value: (u) => u.email, shrinkable: true },
  { header: 'ROLE', value: (u) => u.role },
  { header: 'STATUS', value: statusText },
  { header: 'DEVELOPER', value: (u) => u.is_developer },
  { header: 'CREATED AT', value: (u) => u.created_at },
];

/** Per-user outcome of `users delete` (Kysely-migrator style: one row per target). */
interface DeleteResult {
  target: string;
  id?: string;
  /** Set once the user was looked up (not_found, failed) or the delete was tried. */
  result?: 'deleted' | 'not_found' | 'failed';
  detail?: string;
}

export function build(): Command {
  const users = new Command('users');

  listCommand(users, 'list', 'List users')
    .option('-e, --email <text>', 'only users whose email contains TEXT (case-insensitive)')
    .addOption(enumOption('-s, --status <status>', 'only users with this status (repeatable, or comma-separated)', USER_STATUSES, true))
    .action(action(async (ctx) => {
      const { email, status } = ctx.opts<{ email?: string; status?: UserStatus[] }>();
      await printList<User, UserList>(ctx, { key: 'users', noun: 'users', columns: USER_COLUMNS }, (page) =>
        ctx.client.users.list({ ...page, email, status }),
      );
    }));

  serverCommand(users, 'get', 'Show a user')
    .argument('<user>', 'user id or email')
    .action(action(async (ctx, user: string) => {
      const found = await resolveUser(ctx.client, user);
      ctx.printer.object(ctx.printer.isTable ? { ...found, status: statusText(found) } : found);
    }));

  serverCommand(users, 'create', 'Invite a user to the account (prompts for what is missing on a terminal)')
    .option('-n, --full-name <name>', "the user's full name")
    .option('-e, --email <email>', "the user's email address")
    .addOption(enumOption('-r, --role <role>', 'account role (default: member)', ACCOUNT_ROLES))
    .addOption(enumOption('--invite-mode <mode>', 'how the user is invited (default: email_link)', INVITE_MODES))
    .option('--is-not-developer', 'do not grant the developer flag (by default admins and members get it, annotators do not)')
    .action(action(createUser));

  serverCommand(users, 'update', "Change a user's name or developer flag")
    .argument('<user>', 'user id or email')
    .option('-n, --full-name <name>', 'new full name')
    .option('--is-developer', 'grant the developer flag')
    .option('--no-is-developer', 'revoke the developer flag')
    .addOption(new Option('--is-not-developer', 'same as --no-is-developer').hideHelp())
    .action(action(async (ctx, user: string) => {
      const opts = ctx.opts<{ fullName?: string; isDeveloper?: boolean; isNotDeveloper?: boolean }>();
      const isDeveloper = opts.isNotDeveloper ? false : opts.isDeveloper;
      if (opts.fullName === undefined && isDeveloper === undefined) {
        throw new UsageError('nothing to update', 'Pass --full-name NAME, --is-developer or --no-is-developer.');
      }
      const id = await resolveUserId(ctx.client, user);
      ctx.printer.object(await ctx.client.users.update(id, { name: opts.fullName, is_developer: isDeveloper }));
    }));

  withDryRun(serverCommand(users, 'set-role', "Change a user's account role (admin, member or annotator)"))
    .argument('<user>', 'user id or email')
    .addArgument(new Argument('<role>', `the new account role: ${ACCOUNT_ROLES.map(displayEnum).join(', ')}`).choices(ACCOUNT_ROLES.map(displayEnum))
      .argParser((value: string) => {
        try {
          return parseEnum(value, ACCOUNT_ROLES, 'role');
        } catch (error) {
          throw new InvalidArgumentError((error as Error).message.replace(/^invalid \S+ "[^"]*"; /, ''));
        }
      }))
    .action(action(async (ctx, user: string, role: AccountRoleName) => {
      const id = await resolveUserId(ctx.client, user);
      if (isDryRun(ctx)) {
        printAccessPreview(ctx, await ctx.client.previews.setAccountRole(id, role));
        return;
      }
      ctx.printer.object(await ctx.client.users.setRole(id, role));
    }));

  withDryRun(withOutput(destructiveCommand(users, 'delete', 'Delete users: their memberships and role bindings go, their API keys are revoked')))
    .argument('[users...]', 'user ids or emails')
    .option('--id <ids>', 'user ids (repeatable, or comma-separated)', collectList)
    .option('-e, --email <emails>', 'user emails (repeatable, or comma-separated)', collectList)
    .addOption(serviceKeysOption())
    .action(action(deleteUsers));

  serverCommand(users, 'resend-invitation', 'Send a fresh invitation to an INVITED or EXPIRED user')
    .argument('<user>', 'user id or email')
    .action(action(async (ctx, user: string) => {
      const found = await resolveUser(ctx.client, user);
      await ctx.client.users.resendInvitation(found.id);
      ctx.printer.success(`Sent a new invitation to ${found.email}`);
    }));

  serverCommand(users, 'reset-password', 'Mail a password reset link (and end the user’s sessions)')
    .argument('<user>', 'user id or email')
    .action(action(async (ctx, user: string) => {
      const found = await resolveUser(ctx.client, user);
      await ctx.client.users.resetPassword(found.id);
      ctx.printer.success(`Sent a password reset link to ${found.email}`);
    }));

  destructiveCommand(users, 'deactivate', 'Deactivate a user: sign-in, sessions, CLI logins and their user keys stop; reactivate to undo')
    .argument('<user>', 'user id or email')
    .addOption(serviceKeysOption())
    .action(action(async (ctx, user: string) => {
      const found = await resolveUser(ctx.client, user);
      const keys = serviceKeyAction(ctx.opts<{ serviceKeys?: string }>().serviceKeys);
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `deactivate user ${found.email}`,
        declined: `User ${found.email} not deactivated.`,
        // The server's own dry run names the service keys they created (and what their providers gave them).
        consequences: async () => {
          const preview = await ctx.client.users.deactivate(found.id, { dry_run: true, service_keys: keys });
          return [
            'they can no longer sign in (password or SSO); their console sessions end now',
            'their CLI logins end and their user API keys are revoked (reactivating does not bring these back)',
            ...(preview ? describeDeactivation(preview, keys) : []),
            'their other memberships and role bindings are kept: `ax users reactivate` restores that access',
          ];
        },
      });
      if (!proceed) return;
      const cascade = await ctx.client.users.deactivate(found.id, keys === 'keep' ? {} : { service_keys: keys });
      if (ctx.printer.isTable) ctx.printer.success(`Deactivated ${found.email}`);
      printRotatedKeys(ctx.printer, cascade);
    }));

  serverCommand(users, 'reactivate', 'Reactivate a deactivated user: they can sign in again with their access as it was')
    .argument('<user>', 'user id or email')
    .action(action(async (ctx, user: string) => {
      const found = await resolveUser(ctx.client, user);
      await ctx.client.users.reactivate(found.id);
      ctx.printer.success(`Reactivated ${found.email}`);
    }));

  return users;
}

/** What a deactivation's dry run says beyond the credentials: grants its identity providers gave, and its service keys. */
function describeDeactivation(preview: RemovalCascade, keys: ServiceKeyAction): string[] {
  const synced = preview.organization_memberships + preview.space_memberships + preview.role_bindings;
  const lines = synced === 0 ? [] : [`${plural(synced, 'grant')} given by single sign-on or SCIM ${synced === 1 ? 'is' : 'are'} removed`];
  if (preview.service_keys.length === 0) return [...lines, 'they created no service key that is still working'];
  // describeRemoval's first line counts a deletion's rows; its service-key line is the one that applies here.
  return [...lines, ...describeRemoval(preview, 'user', keys).slice(1)];
}

/**
 * A user's status for tables: a deactivated user reads `DEACTIVATED` (the API says EXPIRED with `deactivated_at`, which
 * -o json|yaml|csv keep), and `DEACTIVATED (by SCIM of Okta)` when a directory manages it (reactivate it there).
 */
function statusText(user: User): string {
  if (user.deactivated_at === undefined) return user.status;
  return user.scim_provider === undefined ? 'DEACTIVATED' : `DEACTIVATED (by SCIM of ${user.scim_provider.name})`;
}

async function createUser(ctx: CommandContext): Promise<void> {
  const opts = ctx.opts<{ fullName?: string; email?: string; role?: AccountRoleName; inviteMode?: InviteMode; isNotDeveloper?: boolean }>();
  let { fullName, email } = opts;
  if (fullName === undefined || email === undefined) {
    if (!canPrompt()) throw new UsageError(`missing ${fullName === undefined ? '--full-name' : '--email'}`, 'Pass --full-name NAME --email EMAIL.');
    fullName ??= await askText('Full name:', { validate: (v) => v.trim() !== '' || 'a name is required' });
    email ??= await askText('Email:', { validate: (v) => /^[^@\s]+@[^@\s]+$/.test(v.trim()) || 'an email address is required' });
  }
  const result = await ctx.client.users.create({
    name: fullName.trim(),
    email: email.trim(),
    role: { type: 'PREDEFINED', name: opts.role ?? 'MEMBER' },
    invite_mode: opts.inviteMode ?? 'EMAIL_LINK',
    ...(opts.isNotDeveloper ? { is_developer: false } : {}),
  });
  if (!result.created) ctx.printer.warn(`${result.user.email} already has an account; no new invitation was sent.`);
  const password = result.created ? result.user.temporary_password : undefined;
  ctx.printer.object(result.user, { omit: ['temporary_password'] });
  if (password !== undefined) ctx.printer.secret('Temporary password', password);
}

async function deleteUsers(ctx: CommandContext, positional: string[]): Promise<void> {
  const opts = ctx.opts<{ id?: string[]; email?: string[] }>();
  const targets = [...new Set([...positional, ...(opts.id ?? []), ...(opts.email ?? [])])];
  if (targets.length === 0) throw new UsageError('no user given', 'Pass user ids or emails, or --id ID,… / --email EMAIL,….');
  const client = ctx.client;
  const single = targets.length === 1;
  const keys = serviceKeyAction(ctx.opts<{ serviceKeys?: string }>().serviceKeys);
  if (isDryRun(ctx)) {
    if (!single) throw new UsageError('--dry-run previews one user at a time', 'Pass a single user id or email with --dry-run.');
    const id = isResourceId(targets[0]!) ? targets[0]! : (await resolveUser(client, targets[0]!)).id;
    const preview = await client.users.delete(id, { dry_run: true, service_keys: keys });
    if (preview) printRemovalPreview(ctx, preview);
    return;
  }

  const resolved: DeleteResult[] = [];
  for (const target of targets) {
    if (isResourceId(target)) {
      resolved.push({ target, id: target });
      continue;
    }
    try {
      resolved.push({ target, id: (await resolveUser(client, target)).id });
    } catch (error) {
      if (single) throw error;
      resolved.push({ target, result: error instanceof NameNotFoundError ? 'not_found' : 'failed', detail: (error as Error).message });
    }
  }
  const deletable = resolved.filter((r) => r.id !== undefined);
  /** The users still to delete: found, and not already answered for by the question's preview. */
  const pending = () => deletable.filter((r) => r.result === undefined);
  if (deletable.length > 0) {
    const proceed = await confirmDestructive(ctx.printer, {
      force: Boolean(ctx.opts().force),
      // Counted after the previews: a user one of them found gone is not among those the question is about.
      action: () => (single ? `delete user ${targets[0]}` : `delete ${plural(pending().length, 'user')}`),
      declined: single ? `User ${targets[0]} not deleted.` : 'No users deleted.',
      // The server's own dry run, per user, one request at a time (a bulk delete of hundreds must not open
      // hundreds of requests at once): the same cascade the delete will take.
      consequences: async () => {
        const lines: string[] = [];
        for (const r of deletable) {
          try {
            const preview = await client.users.delete(r.id!, { dry_run: true, service_keys: keys });
            lines.push(`${r.target}: ${preview ? describeRemoval(preview, 'user', keys).join('; ') : 'already deleted'}`);
          } catch (error) {
            // One user: one that does not exist (or cannot be deleted) fails with its API error before anything is asked.
            if (single || !(error instanceof HttpError)) throw error;
            // Several: the preview's answer is that user's outcome; it is not asked for, nor tried again.
            r.result = error.status === 404 ? 'not_found' : 'failed';
            r.detail = `${error.status} ${error.reason}`;
            lines.push(`${r.target}: cannot be deleted (${r.detail})`);
          }
        }
        return pending().length > 0 ? lines : null;
      },
    });
    // Declined: nothing happens. Nothing left to delete (every preview failed): the outcome table, no question.
    if (!proceed && pending().length > 0) return;
  }
  const rotated: RemovalCascade[] = [];
  for (const row of pending()) {
    try {
      const cascade = await client.users.delete(row.id!, keys === 'keep' ? {} : { service_keys: keys });
      if (cascade) rotated.push(cascade);
      row.result = 'deleted';
    } catch (error) {
      if (single || !(error instanceof HttpError)) throw error;
      row.result = error.status === 404 ? 'not_found' : 'failed';
      row.detail = `${error.status} ${error.reason}`;
    }
  }
  // New secrets go to the terminal once each, after the outcome (with -o json|yaml they are part of the results).
  const printRotated = () => {
    if (ctx.printer.isTable) for (const cascade of rotated) printRotatedKeys(ctx.printer, cascade);
  };
  if (single && ctx.printer.isTable) {
    ctx.printer.success(`Deleted user ${targets[0]}${targets[0] === resolved[0]!.id ? '' : ` (${resolved[0]!.id})`}`);
    printRotated();
    return;
  }
  ctx.printer.list<DeleteResult>({
    response: { results: resolved, ...(rotated.length > 0 ? { rotated_service_keys: rotated.flatMap((c) => c.service_keys) } : {}) },
    items: resolved,
    noun: 'results',
    columns: [
      { header: 'USER', value: (r) => r.target, shrinkable: true },
      { header: 'ID', value: (r) => r.id },
      { header: 'RESULT', value: (r) => r.result },
      { header: 'DETAIL', value: (r) => r.detail, shrinkable: true },
    ],
  });
  const count = (result: NonNullable<DeleteResult['result']>) => resolved.filter((r) => r.result === result).length;
  if (ctx.printer.isTable) ctx.printer.line(`${count('deleted')} deleted, ${count('not_found')} not found, ${count('failed')} failed`);
  printRotated();
  if (count('deleted') < resolved.length) process.exitCode = EXIT.API;
}
