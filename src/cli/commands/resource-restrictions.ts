import { Command } from 'commander';
import type { ResourceRestriction, ResourceRestrictionList } from '../../client/types.js';
import { printList } from '../list.js';
import { destructiveCommand, listCommand, serverCommand } from '../options/common.js';
import type { Column } from '../output/printer.js';
import { confirmDestructive } from '../prompts/confirm.js';
import { resolveProjectId } from '../resolve/resources.js';
import { action } from '../action.js';
import { isDryRun, printAccessPreview, withDryRun } from '../dry-run.js';

const RESTRICTION_COLUMNS: readonly Column<ResourceRestriction>[] = [
  { header: 'RESOURCE ID', value: (r) => r.resource_id },
  { header: 'RESOURCE TYPE', value: (r) => r.resource_type },
  { header: 'CREATED AT', value: (r) => r.created_at },
];

const RESOURCE_HELP = 'the project: its id, or its name with --space';

export function build(): Command {
  const restrictions = new Command('resource-restrictions');

  listCommand(restrictions, 'list', 'List restricted resources')
    .action(action(async (ctx) => {
      await printList<ResourceRestriction, ResourceRestrictionList>(ctx, { key: 'resource_restrictions', noun: 'restrictions', columns: RESTRICTION_COLUMNS }, (page) =>
        ctx.client.resourceRestrictions.list(page),
      );
    }));

  withDryRun(serverCommand(restrictions, 'restrict', 'Restrict a project: only PROJECT role bindings grant access to it (idempotent)'))
    .requiredOption('--resource-id <project>', RESOURCE_HELP)
    .option('-s, --space <space>', 'space of a project given by name (default: ARIZE_SPACE)')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ resourceId: string; space?: string }>();
      const id = await resolveProjectId(ctx.client, opts.resourceId, ctx.space(opts.space));
      if (isDryRun(ctx)) printAccessPreview(ctx, await ctx.client.previews.restrict(id));
      else ctx.printer.object(await ctx.client.resourceRestrictions.restrict(id));
    }));

  withDryRun(destructiveCommand(restrictions, 'unrestrict', 'Lift the restriction of a project'), { addOutput: true })
    .requiredOption('--resource-id <project>', RESOURCE_HELP)
    .option('-s, --space <space>', 'space of a project given by name (default: ARIZE_SPACE)')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ resourceId: string; space?: string }>();
      const id = await resolveProjectId(ctx.client, opts.resourceId, ctx.space(opts.space));
      if (isDryRun(ctx)) {
        printAccessPreview(ctx, await ctx.client.previews.unrestrict(id));
        return;
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(opts.force),
        action: `unrestrict project ${opts.resourceId}`,
        declined: `Project ${opts.resourceId} stays restricted.`,
        // The server's dry run first: a project that is not restricted (or does not exist) fails with its 404 before anything is asked.
        consequences: async () => {
          const gaining = (await ctx.client.previews.unrestrict(id)).principals.length;
          return [
            'roles held on its space, organization and account apply to it again, at once',
            `${gaining} ${gaining === 1 ? 'principal gains' : 'principals gain'} access to it (--dry-run lists who and what)`,
          ];
        },
      });
      if (!proceed) return;
      await ctx.client.resourceRestrictions.unrestrict(id);
      ctx.printer.success(`Lifted the restriction on project ${opts.resourceId}`);
    }));

  return restrictions;
}
