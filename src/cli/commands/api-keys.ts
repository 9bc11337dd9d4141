import { Command } from 'commander';
import type { AxClient } from '../../client/client.js';
import { isLapsed } from '../../client/key-expiry.js';
import type { ApiKey, ApiKeyList, ApiKeyStatus, ApiKeyType, CreatedApiKey, RefreshedApiKey } from '../../client/types.js';
import type { CommandContext } from '../context.js';
import { FileError, UsageError } from '../errors/cli-error.js';
import { printList } from '../list.js';
import { destructiveCommand, listCommand, serverCommand } from '../options/common.js';
import { enumOption, KEY_STATUSES, KEY_TYPES, roleOption, SERVICE_ACCOUNT_ROLES, SERVICE_ORG_ROLES, SERVICE_SPACE_ROLES } from '../options/enums.js';
import { integerIn, parseInstant } from '../options/values.js';
import type { Column } from '../output/printer.js';
import { confirmDestructive } from '../prompts/confirm.js';
import { resolveSpaceId, resolveUser, resolveUserId } from '../resolve/resources.js';
import { action } from '../action.js';
import { isDryRun, printAccessPreview, withDryRun } from '../dry-run.js';
import { writeKeyToEnvFile } from './api-keys/env-file.js';
import { buildServiceKeyScope, type ScopeFlags } from './api-keys/service-scope.js';

const API_KEY_COLUMNS: readonly Column<ApiKey>[] = [
  { header: 'ID', value: (k) => k.id },
  { header: 'NAME', value: (k) => k.name, shrinkable: true },
  { header: 'TYPE', value: (k) => k.key_type },
  { header: 'STATUS', value: (k) => statusText(k) },
  { header: 'KEY', value: (k) => k.redacted_key },
  { header: 'EXPIRES AT', value: (k) => k.expires_at ?? 'never' },
  { header: 'LAST USED AT', value: (k) => k.last_used_at },
  { header: 'CREATED AT', value: (k) => k.created_at },
  { header: 'GRACE USE', value: (k) => graceSummary(k), shrinkable: true },
];

/** A key's status for tables: `EXPIRED` for a lapsed key (isLapsed); -o json|yaml|csv keep the API's ACTIVE. */
function statusText(key: ApiKey): string {
  return isLapsed(key) ? 'EXPIRED' : key.status;
}

/**
 * A key in a refresh's grace period: how much the old key is still used, e.g. `12 in the last hour (40 since
 * refresh), last from 10.0.0.7 at …` — nothing uses it any more when both counts stay 0.
 */
function graceSummary(key: ApiKey): string | undefined {
  const usage = key.grace_usage;
  if (usage === undefined) return undefined;
  const last = usage.last_used_at === undefined ? '' : `, last from ${usage.last_used_ip ?? '?'} at ${usage.last_used_at}`;
  return `${usage.uses_last_hour} in the last hour (${usage.uses_since_refresh} since refresh)${last}`;
}

const ORPHAN_REASONS: Record<NonNullable<ApiKey['orphaned']>['reason'], string> = {
  CREATOR_DEACTIVATED: 'creator deactivated',
  CREATOR_DELETED: 'creator deleted',
  CREATOR_LACKS_ROLES: 'creator lacks the key\'s roles',
};

/** `list --orphaned`: who created the key and why nobody answers for it any more, in place of the type and status. */
const ORPHANED_KEY_COLUMNS: readonly Column<ApiKey>[] = [
  { header: 'ID', value: (k) => k.id },
  { header: 'NAME', value: (k) => k.name, shrinkable: true },
  { header: 'KEY', value: (k) => k.redacted_key },
  { header: 'CREATED BY', value: (k) => k.created_by_user_id },
  {
    header: 'ORPHANED',
    value: ({ orphaned: o }) => o && `${ORPHAN_REASONS[o.reason]}${o.missing_permission ? ` (missing ${o.missing_permission})` : ''}`,
  },
  { header: 'LAST USED AT', value: (k) => k.last_used_at },
];

interface CreateFlags extends ScopeFlags {
  name: string;
  description?: string;
  expiresAt?: string;
  keyType?: ApiKeyType;
  envFile?: string;
}

/** Flags that scope a service key, shared by `create --key-type service` and `create-service-key`. */
function withServiceScope(cmd: Command): Command {
  return cmd
    .option('-s, --space <space>', 'the space the service key is scoped to, name or id (default: ARIZE_SPACE)')
    .addOption(roleOption('--space-role <role>', 'role in the space, or a custom role id or name (default: member)', SERVICE_SPACE_ROLES))
    .addOption(roleOption('--org-role <role>', "role in the space's organization (default: read-only)", SERVICE_ORG_ROLES))
    .addOption(roleOption('--account-role <role>', "account role of the key's bot user (default: member)", SERVICE_ACCOUNT_ROLES))
    .option('-a, --assignments <json-or-file>', 'instead of --space/--space-role/--org-role: [{"org_id", "role"?, "spaces": [{"space", "role"?}]}] as JSON or a .json file');
}

function withKeyOutput(cmd: Command): Command {
  // Node 20 itself reads an `--env-file` argument anywhere on its command line, and exits (9) when that file is missing.
  return cmd.option('--env-file <path>', 'write ARIZE_API_KEY=<key> to this file (mode 0600) instead of printing the key (on Node 20, create the file first)');
}

export function build(): Command {
  const keys = new Command('api-keys');

  listCommand(keys, 'list', 'List API keys (your own unless --user-id; account admins may list others)')
    .addOption(enumOption('--key-type <type>', 'only user or service keys', KEY_TYPES))
    .addOption(enumOption('--status <status>', 'only keys with this status (default: active)', KEY_STATUSES))
    .option('-s, --space <space>', 'only service keys scoped to this space (name or id)')
    .option('--user-id <user>', 'keys of this user (id or email; account admins only)')
    .option('--created-by <user>', 'every key this person created, through their bots too (id or email; account admins only)')
    .option('--orphaned', 'the account\'s service keys whose creator is deactivated, deleted or no longer holds the key\'s roles, with the reason (account admins only)')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ keyType?: ApiKeyType; status?: ApiKeyStatus; space?: string; userId?: string; createdBy?: string; orphaned?: boolean }>();
      const spaceId = opts.space === undefined ? undefined : await resolveSpaceId(ctx.client, opts.space);
      const userId = opts.userId === undefined ? undefined : await resolveUserId(ctx.client, opts.userId);
      const createdBy = opts.createdBy === undefined ? undefined : await resolveUserId(ctx.client, opts.createdBy);
      const view = opts.orphaned ? { noun: 'orphaned service keys', columns: ORPHANED_KEY_COLUMNS } : { noun: 'API keys', columns: API_KEY_COLUMNS };
      await printList<ApiKey, ApiKeyList>(ctx, { key: 'api_keys', ...view }, (page) => ctx.client.apiKeys.list({
        ...page, key_type: opts.keyType, status: opts.status, space_id: spaceId, user_id: userId, created_by_user_id: createdBy,
        ...(opts.orphaned ? { orphaned: true } : {}),
      }));
    }));

  serverCommand(keys, 'get', 'Show one API key; an old key in a refresh\'s grace period shows how much it is still used')
    .argument('<key-id>', 'API key id')
    .action(action(async (ctx, id: string) => {
      const key = await ctx.client.apiKeys.get(id);
      if (!ctx.printer.isTable) {
        ctx.printer.object(key, { what: 'the API key' });
        return;
      }
      // The panel reads as the list's row: EXPIRED past expires_at, the grace use in words.
      const { grace_usage: _usage, ...rest } = key;
      ctx.printer.object({ ...rest, status: statusText(key), ...(key.grace_usage === undefined ? {} : { grace_usage: graceSummary(key) }) }, { what: 'the API key' });
    }));

  withKeyOutput(withServiceScope(serverCommand(keys, 'create', 'Create a user key (or, with --key-type service, a service key)')))
    .requiredOption('-n, --name <name>', 'key name')
    .option('--description <text>', 'description')
    .option('--expires-at <time>', 'ISO 8601 expiry; UTC when no offset is given (default: never)')
    .addOption(enumOption('--key-type <type>', 'user (default) or service', KEY_TYPES))
    .action(action(async (ctx) => {
      const flags = ctx.opts<CreateFlags>();
      await createKey(ctx, flags.keyType === 'SERVICE' ? 'SERVICE' : 'USER', flags);
    }));

  withKeyOutput(withServiceScope(serverCommand(keys, 'create-service-key', 'Create a service key: a bot user scoped to spaces, for pipelines')))
    .requiredOption('-n, --name <name>', 'key name')
    .option('--description <text>', 'description')
    .option('--expires-at <time>', 'ISO 8601 expiry; UTC when no offset is given (default: never)')
    .action(action(async (ctx) => {
      await createKey(ctx, 'SERVICE', ctx.opts<CreateFlags>());
    }));

  withKeyOutput(serverCommand(keys, 'refresh', 'Rotate a key: a new key with the same scope; the old one ends now or after a grace period'))
    .argument('<key-id>', 'API key id')
    .option('--expires-at <time>', 'expiry of the new key, no later than the old one\'s (default: the old key\'s expiry, or never)')
    .option('--grace-period-seconds <n>', 'keep the old key working this long, 0..86400 (default: 0, revoked at once)', integerIn(0, 86_400))
    .action(action(async (ctx, id: string) => {
      const opts = ctx.opts<{ expiresAt?: string; gracePeriodSeconds?: number; envFile?: string }>();
      // The server requires expires_at when the old key expires (a refresh never extends a key's life): without
      // --expires-at the new key keeps the old one's expiry, so `ax api-keys refresh KEY_ID` rotates any key.
      const expiresAt = opts.expiresAt === undefined ? (await ctx.client.apiKeys.get(id)).expires_at ?? undefined : parseInstant(opts.expiresAt, '--expires-at');
      const body = {
        ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
        ...(opts.gracePeriodSeconds === undefined ? {} : { grace_period_seconds: opts.gracePeriodSeconds }),
      };
      const refreshed = await ctx.client.apiKeys.refresh(id, body);
      await deliverKey(ctx, refreshed, opts.envFile);
      const grace = opts.gracePeriodSeconds ?? 0;
      ctx.printer.info(grace > 0 ? `The old key ${id} keeps working for ${grace} s (never beyond its own expiry).` : `The old key ${id} is revoked.`);
    }));

  withDryRun(destructiveCommand(keys, 'revoke', 'Revoke a key: it stops working immediately (there is no delete)'), { addOutput: true })
    .argument('<key-id>', 'API key id')
    .action(action(async (ctx, id: string) => {
      if (isDryRun(ctx)) {
        printAccessPreview(ctx, await ctx.client.previews.revokeApiKey(id));
        return;
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `revoke API key ${id}`,
        declined: `API key ${id} not revoked.`,
        // Looked up first, so a key that does not exist fails with its 404 before anything is asked.
        consequences: async () => {
          const key = await ctx.client.apiKeys.get(id);
          return [
            `${key.key_type} key ${key.name} (${key.redacted_key}), created by ${key.created_by_user_id}`,
            'every request made with it fails from now on (401)',
            'a service key’s bot user loses access with it',
            'this cannot be undone',
          ];
        },
      });
      if (!proceed) return;
      await ctx.client.apiKeys.revoke(id);
      ctx.printer.success(`Revoked API key ${id}`);
    }));

  serverCommand(keys, 'transfer', 'Give a service key a new owner (account admins), e.g. when its creator left')
    .argument('<key-id>', 'API key id')
    .requiredOption('--to <user>', 'the new owner, id or email: an active user holding every permission of the key\'s roles')
    .action(action(async (ctx, id: string) => {
      const owner = await resolveUser(ctx.client, ctx.opts<{ to: string }>().to);
      const transferred = await ctx.client.apiKeys.transfer(id, { created_by_user_id: owner.id });
      if (ctx.printer.isTable) ctx.printer.success(`Transferred API key ${transferred.name} (${transferred.id}) to ${owner.email}`);
      else ctx.printer.object(transferred);
    }));

  serverCommand(keys, 'report-leak', 'Report an API key found exposed: the server revokes it at once and mails its owner and admins')
    .argument('[key]', 'the exposed key, whole (default: read from stdin, which keeps it out of the shell history)')
    .option('--url <url>', 'where it was found')
    .option('--source <what>', 'what it was found in, e.g. commit, issue, paste')
    .action(action(async (ctx, key: string | undefined) => {
      const opts = ctx.opts<{ url?: string; source?: string }>();
      const token = (key ?? await readStdin()).trim();
      if (token === '') throw new UsageError('no key given', 'Pass the key as an argument or on stdin: ax api-keys report-leak < key.txt');
      const report = await ctx.client.apiKeys.reportLeak({ token, ...(opts.url === undefined ? {} : { url: opts.url }), ...(opts.source === undefined ? {} : { source: opts.source }) });
      if (!ctx.printer.isTable) ctx.printer.object(report);
      else if (report.revoked) ctx.printer.success('The key was live: it is revoked now, and its owner and the account admins were mailed');
      else if (report.label === 'true_positive') ctx.printer.success('The key was revoked already: nothing to do');
      else ctx.printer.line('Not an API key of this server: nothing was revoked');
    }));

  return keys;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function createKey(ctx: CommandContext, type: ApiKeyType, flags: CreateFlags): Promise<void> {
  const common = {
    name: flags.name,
    ...(flags.description === undefined ? {} : { description: flags.description }),
    ...(flags.expiresAt === undefined ? {} : { expires_at: parseInstant(flags.expiresAt, '--expires-at') }),
  };
  let created: CreatedApiKey;
  if (type === 'USER') {
    const scopeFlag = (['space', 'spaceRole', 'orgRole', 'accountRole', 'assignments'] as const).find((key) => flags[key] !== undefined);
    if (scopeFlag !== undefined) {
      throw new UsageError('a user key has its creator\'s access and takes no scope', 'For a scoped key add --key-type service, or use `ax api-keys create-service-key`.');
    }
    created = await ctx.client.apiKeys.create({ key_type: 'USER', ...common });
  } else {
    const scope = await buildServiceKeyScope(ctx.client, { ...flags, space: flags.assignments === undefined ? ctx.space(flags.space) : flags.space });
    created = await ctx.client.apiKeys.create({ key_type: 'SERVICE', ...common, ...scope });
  }
  await deliverKey(ctx, created, flags.envFile);
}

/**
 * Shows a new raw key once, or writes it to `--env-file` instead; when that write fails the key is revoked at once,
 * so no secret exists that nobody holds.
 */
async function deliverKey(ctx: CommandContext, created: CreatedApiKey | RefreshedApiKey, envFile: string | undefined): Promise<void> {
  if (envFile === undefined) {
    ctx.printer.object(created, { omit: ['key'] });
    ctx.printer.secret('API key', created.key);
    return;
  }
  try {
    writeKeyToEnvFile(envFile, created.key);
  } catch (error) {
    const reason = (error as Error).message;
    const revoked = await revokeQuietly(ctx.client, created.id);
    throw new FileError(
      `could not write ${envFile}: ${reason}; ${revoked ? `the new key ${created.id} was revoked` : `revoking the new key ${created.id} failed too`}`,
      revoked ? 'Fix the path (or its permissions) and create the key again.' : `Revoke it yourself: \`ax api-keys revoke ${created.id} --force\`.`,
    );
  }
  const { key: _secret, ...record } = created;
  ctx.printer.object(record);
  ctx.printer.info(`${ctx.printer.errStyle.green('✓')} Wrote ARIZE_API_KEY to ${envFile} (mode 0600); the key is not shown.`);
}

async function revokeQuietly(client: AxClient, id: string): Promise<boolean> {
  try {
    await client.apiKeys.revoke(id);
    return true;
  } catch {
    return false;
  }
}
