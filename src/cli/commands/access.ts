import { Command } from 'commander';
import type { AccessPrincipal, AccessReason } from '../../client/types.js';
import { serverCommand } from '../options/common.js';
import { parsePermission } from '../options/permissions.js';
import type { Printer } from '../output/printer.js';
import { resolveUserId } from '../resolve/resources.js';
import { action } from '../action.js';

export function build(): Command {
  const access = new Command('access');

  serverCommand(access, 'check', 'Whether a user holds a permission on a resource, and the grants that decide it')
    .alias('explain')
    .requiredOption('--user-id <user>', 'user id or email')
    .requiredOption('--permission <permission>', 'a permission from the catalogue, e.g. PROJECT_READ')
    .requiredOption('--resource-id <id>', 'id of the account, organization, space or project')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ userId: string; permission: string; resourceId: string }>();
      const permission = parsePermission(opts.permission);
      const userId = await resolveUserId(ctx.client, opts.userId);
      const result = await ctx.client.access.check({ user_id: userId, permission, resource_id: opts.resourceId });
      if (!ctx.printer.isTable) {
        ctx.printer.object(result);
        return;
      }
      const { style } = ctx.printer;
      ctx.printer.line(result.allowed
        ? `${style.green('✓ allowed:')} ${opts.userId} holds ${permission} on ${opts.resourceId}`
        : `${style.red('✗ denied:')} ${opts.userId} does not hold ${permission} on ${opts.resourceId}`);
      printReasons(ctx.printer, result.reasons);
    }));

  serverCommand(access, 'who', 'Every principal with access to a resource, and why')
    .requiredOption('--resource-id <id>', 'id of the account, organization, space or project')
    .action(action(async (ctx) => {
      const { resourceId } = ctx.opts<{ resourceId: string }>();
      const result = await ctx.client.access.principals(resourceId);
      if (!ctx.printer.isTable) {
        ctx.printer.object(result);
        return;
      }
      if (result.principals.length === 0) {
        ctx.printer.line(`Nobody has access to ${resourceId}.`);
        return;
      }
      for (const principal of result.principals) printPrincipal(ctx.printer, principal);
    }));

  return access;
}

function printReasons(printer: Printer, reasons: readonly AccessReason[]): void {
  for (const reason of reasons) {
    const mark = reason.effect === 'ALLOW' ? printer.style.green('+') : printer.style.red('-');
    printer.line(`  ${mark} ${reason.text} ${printer.style.dim(`(${reason.source})`)}`);
  }
}

function printPrincipal(printer: Printer, principal: AccessPrincipal): void {
  const who = `${principal.user.email || principal.user.name} (${principal.user_id}${principal.is_bot ? ', service key bot' : ''})`;
  const count = principal.permissions.length;
  printer.line(`${printer.style.bold(who)}  ${printer.style.dim(`${count} permission${count === 1 ? '' : 's'}: ${abbreviate(principal.permissions)}`)}`);
  printReasons(printer, principal.grants);
}

function abbreviate(permissions: readonly string[]): string {
  return permissions.length <= 6 ? permissions.join(', ') : `${permissions.slice(0, 5).join(', ')}, …`;
}
