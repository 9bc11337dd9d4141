import { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { checkArchive, parsePublicKey } from '../../domain/audit-archive.js';
import { CliError, FileError, UsageError } from '../errors/cli-error.js';
import type { AuditLog, AuditLogList, AuditOperationType, AuthenticationFailure, AuthenticationFailureList } from '../../client/types.js';
import { printList } from '../list.js';
import { listCommand, serverCommand } from '../options/common.js';
import { AUDIT_OPERATION_TYPES, enumOption } from '../options/enums.js';
import { parseInstant, parseSince } from '../options/values.js';
import type { Column } from '../output/printer.js';
import { resolveUserId } from '../resolve/resources.js';
import { action } from '../action.js';

const AUDIT_LOG_COLUMNS: readonly Column<AuditLog>[] = [
  { header: 'CREATED AT', value: (l) => l.created_at },
  { header: 'USER ID', value: (l) => l.user_id },
  { header: 'TYPE', value: (l) => l.operation_type },
  { header: 'OPERATION', value: (l) => l.operation_name, shrinkable: true },
  { header: 'IP', value: (l) => l.ip },
  { header: 'ID', value: (l) => l.id },
];

const FAILURE_COLUMNS: readonly Column<AuthenticationFailure>[] = [
  { header: 'LAST AT', value: (f) => f.last_at },
  { header: 'COUNT', value: (f) => String(f.count) },
  { header: 'REASON', value: (f) => f.reason },
  { header: 'OPERATION', value: (f) => f.operation, shrinkable: true },
  { header: 'IP', value: (f) => f.ip },
  { header: 'USER ID', value: (f) => f.user_id },
  { header: 'FIRST AT', value: (f) => f.first_at },
];

export function build(): Command {
  const logs = new Command('audit-logs');

  listCommand(logs, 'list', 'List audit log entries, newest first (default: the last 30 days)')
    .option('--since <time>', 'from this ISO 8601 time, or this long ago: 30m, 24h, 7d, 2w')
    .option('--until <time>', 'up to this ISO 8601 time (default: now)')
    .option('--user-id <user>', 'only entries of this user (id or email)')
    .addOption(enumOption('--operation-type <type>', 'only this kind of operation', AUDIT_OPERATION_TYPES))
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ since?: string; until?: string; userId?: string; operationType?: AuditOperationType }>();
      const startTime = opts.since === undefined ? undefined : parseSince(opts.since);
      const endTime = opts.until === undefined ? undefined : parseInstant(opts.until, '--until');
      const userId = opts.userId === undefined ? undefined : await resolveUserId(ctx.client, opts.userId);
      await printList<AuditLog, AuditLogList>(ctx, { key: 'logs', noun: 'audit log entries', columns: AUDIT_LOG_COLUMNS }, (page) =>
        ctx.client.auditLogs.list({ ...page, start_time: startTime, end_time: endTime, user_id: userId, operation_type: opts.operationType }),
      );
    }));

  // Failed authentications have no user, which Arize's schema requires of every audit entry: listed apart.
  listCommand(logs, 'failures', 'List failed authentications (refused sign-ins, keys, sessions), counted per 10 minutes, newest first')
    .option('--since <time>', 'from this ISO 8601 time, or this long ago: 30m, 24h, 7d, 2w')
    .option('--until <time>', 'up to this ISO 8601 time (default: now)')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ since?: string; until?: string }>();
      const startTime = opts.since === undefined ? undefined : parseSince(opts.since);
      const endTime = opts.until === undefined ? undefined : parseInstant(opts.until, '--until');
      await printList<AuthenticationFailure, AuthenticationFailureList>(ctx, { key: 'failures', noun: 'failed authentications', columns: FAILURE_COLUMNS }, (page) =>
        ctx.client.auditLogs.listAuthenticationFailures({ ...page, start_time: startTime, end_time: endTime }),
      );
    }));

  // Ours, not Arize's: the tamper-evident chain (docs/audit.md).
  const verifyChain = action(async (ctx) => {
    const opts = ctx.opts<{ fromCheckpoint?: boolean; publicKey?: string }>();
    if (opts.publicKey !== undefined) throw new UsageError('--public-key goes with --archive FILE');
    const result = await ctx.client.auditLogs.verify(opts.fromCheckpoint ? { from_checkpoint: true } : {});
    ctx.printer.object(result, { what: 'the verification' });
    const broken = result.first_broken;
    if (broken) {
      const where = [broken.entry_id === undefined ? undefined : `entry ${broken.entry_id}`, broken.seq === undefined ? undefined : `seq ${broken.seq}`]
        .filter((part) => part !== undefined).join(', ');
      throw new CliError(`the audit chain is broken at ${where || 'its end'}: ${broken.reason}`, {
        suggestion: 'restore the audit_logs table from a backup, or keep this answer as the record of the tampering',
      });
    }
  });
  // An archive file is checked here, without a server: no profile is read.
  const verifyFile = action(async (ctx) => {
    const opts = ctx.opts<{ archive: string; publicKey?: string }>();
    const result = checkArchive(await readText(opts.archive, '--archive'), opts.publicKey === undefined ? undefined : await publicKeyOption(opts.publicKey));
    ctx.printer.object(result, { what: 'the archive check' });
    const broken = result.first_broken;
    if (broken) {
      throw new CliError(`the archive ${opts.archive} is broken at line ${broken.line}${broken.seq === undefined ? '' : ` (seq ${broken.seq})`}: ${broken.reason}`, {
        suggestion: 'compare it with your backup copy of the archive; keep this answer as the record of the tampering',
      });
    }
    if (result.public_key_source === 'archive') ctx.printer.warn('no --public-key: the signature was checked against the key the file carries, which proves consistency, not origin');
  }, { offline: true });
  serverCommand(logs, 'verify', 'Check the audit chain and its signed checkpoints; exits 1 naming the first broken entry')
    .option('--from-checkpoint', 'trust the entries up to the newest valid checkpoint instead of re-reading them')
    .option('--archive <file>', 'check an archive file instead (offline: no server): its chain and its signature; exits 1 naming the first broken line')
    .option('--public-key <key>', 'with --archive: the audit signing public key you recorded (base64 or 64 hex digits), or a file holding it')
    .action((...raw: unknown[]) => {
      const command = raw.at(-1) as Command;
      return (command.opts<{ archive?: string }>().archive === undefined ? verifyChain : verifyFile)(...raw);
    });

  serverCommand(logs, 'checkpoint', 'Sign the audit chain\'s current end now (the server also does it periodically)')
    .action(action(async (ctx) => {
      const checkpoint = await ctx.client.auditLogs.checkpoint();
      if (checkpoint) ctx.printer.object(checkpoint, { what: 'the checkpoint' });
      else ctx.printer.success('No audit entry yet: nothing to sign');
    }));

  serverCommand(logs, 'archive', 'Archive the entries older than the server\'s retention now (AX_AUDIT_RETENTION_DAYS)')
    .action(action(async (ctx) => {
      const result = await ctx.client.auditLogs.archive();
      if (!ctx.printer.isTable) ctx.printer.object(result, { what: 'the archive run' });
      else if (result.entries_archived === 0) ctx.printer.success(`Nothing older than the retention (the chain starts after seq ${result.archived_through_seq})`);
      else ctx.printer.success(`Archived ${result.entries_archived} entries, up to seq ${result.archived_through_seq}, to ${result.file}`);
    }));

  return logs;
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new FileError(`${flag} ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** `--public-key`: the key itself (base64 as the server shows it, or 64 hex digits), else a file holding it. */
async function publicKeyOption(value: string): Promise<Buffer> {
  const key = parsePublicKey(value) ?? parsePublicKey(await readText(value, '--public-key'));
  if (key === undefined) throw new UsageError(`--public-key: ${value} holds no Ed25519 public key (32 bytes: base64, or 64 hex digits)`);
  return key;
}
