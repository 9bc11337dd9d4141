import type { Command } from 'commander';
import type { AccessPreview } from '../client/resources/access-previews.js';
import type { OrganizationDeleteCascade, ProjectDeleteCascade, RemovalCascade, SpaceDeleteCascade } from '../client/types.js';
import type { CommandContext } from './context.js';
import { PREVIEW_BOUND_TEXT } from '../domain/preview-bound.js';
import { withOutput } from './options/common.js';
import type { Column } from './output/printer.js';

type PrincipalChange = AccessPreview['principals'][number];

/** One row of the preview table: a principal's change on one resource. */
interface PreviewRow {
  principal: string;
  type: PrincipalChange['principal_type'];
  resource: string;
  gained: string[];
  lost: string[];
}

const COLUMNS: readonly Column<PreviewRow>[] = [
  { header: 'PRINCIPAL', value: (r) => r.principal },
  { header: 'TYPE', value: (r) => r.type },
  { header: 'RESOURCE', value: (r) => r.resource, shrinkable: true },
  { header: 'GAINED', value: (r) => r.gained.join(', '), shrinkable: true },
  { header: 'LOST', value: (r) => r.lost.join(', '), shrinkable: true },
];

/** Said when the server left the principals out of an answer. */
export const OMITTED = `${PREVIEW_BOUND_TEXT[0]!.toUpperCase()}${PREVIEW_BOUND_TEXT.slice(1)}: not listed. Preview a narrower change to see them.`;

/** Adds `--dry-run` (and, to a destructive command, `-o`): show what the change would do to access, change nothing. */
export function withDryRun(cmd: Command, options: { addOutput?: boolean } = {}): Command {
  const withIt = cmd.option('--dry-run', 'show who would gain or lose which permissions where, and what would be removed; change nothing');
  return options.addOutput ? withOutput(withIt) : withIt;
}

export function isDryRun(ctx: CommandContext): boolean {
  return ctx.opts<{ dryRun?: boolean }>().dryRun === true;
}

/**
 * Prints a preview: a table of principal × resource with the permissions gained and lost, then what would be removed;
 * with `-o json|yaml` the server's own answer.
 */
export function printAccessPreview(ctx: CommandContext, preview: AccessPreview): void {
  const c = preview.cascade;
  printPreview(ctx, preview, preview.principals, [
    ['organization membership', c.organization_memberships], ['space membership', c.space_memberships], ['role binding', c.role_bindings],
    ['resource restriction', c.resource_restrictions], ['service key left in no space', c.service_keys],
  ]);
}

/** Prints the preview of a removal (a member's or a user's): the same table, then its cascade. */
export function printRemovalPreview(ctx: CommandContext, cascade: RemovalCascade): void {
  printPreview(ctx, cascade, cascade.principals ?? [], [
    ['organization membership', cascade.organization_memberships], ['space membership', cascade.space_memberships],
    ['role binding', cascade.role_bindings], ['user key revoked', cascade.user_keys_revoked],
  ]);
}

/** Prints the preview of an organization's, a space's or a project's delete: the same table, then its cascade. */
export function printDeletePreview(ctx: CommandContext, cascade: OrganizationDeleteCascade | SpaceDeleteCascade | ProjectDeleteCascade): void {
  const removed: [string, number][] = [];
  if ('spaces' in cascade) removed.push(['space', cascade.spaces]);
  if ('projects' in cascade) removed.push(['project', cascade.projects]);
  if ('organization_memberships' in cascade) removed.push(['organization membership', cascade.organization_memberships]);
  if ('space_memberships' in cascade) removed.push(['space membership', cascade.space_memberships]);
  removed.push(['role binding', cascade.role_bindings], ['resource restriction', cascade.resource_restrictions]);
  if ('service_keys_without_space' in cascade) removed.push(['service key left in no space', cascade.service_keys_without_space]);
  printPreview(ctx, cascade, cascade.principals, removed);
}

/** The part of every preview answer that says the server left its principals out (too many changes of access). */
type MayOmit = { principals_omitted?: true | undefined };

function printPreview(ctx: CommandContext, response: MayOmit, principals: readonly PrincipalChange[], removed: [string, number][]): void {
  const rows = principals.flatMap((p) => p.changes.map((c): PreviewRow => ({
    principal: p.email ?? p.name ?? p.user_id,
    type: p.principal_type,
    resource: c.resource_type === 'ACCOUNT' ? 'ACCOUNT' : `${c.resource_type} ${c.resource_name ?? c.resource_id}`,
    gained: c.gained,
    lost: c.lost,
  })));
  const { printer } = ctx;
  printer.list({ noun: 'changes of access', columns: COLUMNS, items: rows, response });
  if (!printer.isTable) return;
  if (response.principals_omitted) printer.warn(OMITTED);
  const counted = removed.filter(([, n]) => n > 0).map(([what, n]) => `${n} ${what}${n === 1 ? '' : 's'}`);
  if (counted.length > 0) printer.line(`Would remove: ${counted.join(', ')}.`);
  printer.info('Dry run: nothing was changed.');
}
