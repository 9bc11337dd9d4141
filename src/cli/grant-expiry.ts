import type { Command } from 'commander';
import type { CommandContext } from './context.js';
import { UsageError } from './errors/cli-error.js';
import { parseFor, parseInstant } from './options/values.js';

/** Adds `--for`, `--expires-at` and `--reason` to a command that grants (a role binding, a membership). */
export function withGrantExpiry(cmd: Command): Command {
  return cmd
    .option('--for <duration>', 'the grant ends after this long, e.g. 30m, 4h, 7d (then it stops counting and is removed)')
    .option('--expires-at <time>', 'the grant ends at this ISO 8601 time (UTC when no offset is given)')
    .option('--reason <text>', 'why the grant is given (kept with it and audited), e.g. "incident 123"');
}

/** The `expires_at` and `reason` of the request, from `--for`/`--expires-at` and `--reason`. */
export function grantExpiryOf(ctx: CommandContext): { expires_at?: string; reason?: string } {
  const opts = ctx.opts<{ for?: string; expiresAt?: string; reason?: string }>();
  if (opts.for !== undefined && opts.expiresAt !== undefined) throw new UsageError('--for and --expires-at both set an end', 'Pass one of them.');
  const expiresAt = opts.for !== undefined ? parseFor(opts.for) : opts.expiresAt === undefined ? undefined : parseInstant(opts.expiresAt, '--expires-at');
  return { ...(expiresAt === undefined ? {} : { expires_at: expiresAt }), ...(opts.reason === undefined ? {} : { reason: opts.reason }) };
}
