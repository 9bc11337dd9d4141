import { Command } from 'commander';
import type { Project, ProjectList } from '../../client/types.js';
import { describeProjectDelete } from '../cascade/delete.js';
import { isDryRun, printDeletePreview, withDryRun } from '../dry-run.js';
import { UsageError } from '../errors/cli-error.js';
import { printList } from '../list.js';
import { destructiveCommand, listCommand, serverCommand } from '../options/common.js';
import type { Column } from '../output/printer.js';
import { confirmDestructive } from '../prompts/confirm.js';
import { resolveProject, resolveSpaceId } from '../resolve/resources.js';
import { action } from '../action.js';

const PROJECT_COLUMNS: readonly Column<Project>[] = [
  { header: 'ID', value: (p) => p.id },
  { header: 'NAME', value: (p) => p.name, shrinkable: true },
  { header: 'SPACE ID', value: (p) => p.space_id },
  { header: 'CREATED AT', value: (p) => p.created_at },
];

const SPACE_HELP = 'space name or id (default: ARIZE_SPACE)';

export function build(): Command {
  const projects = new Command('projects');

  listCommand(projects, 'list', 'List projects (of one space, or every project you can see)')
    .option('-s, --space <space>', SPACE_HELP)
    .option('-n, --name <text>', 'only projects whose name contains TEXT (case-insensitive)')
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ space?: string; name?: string }>();
      const space = ctx.space(opts.space);
      const spaceId = space === undefined ? undefined : await resolveSpaceId(ctx.client, space);
      await printList<Project, ProjectList>(ctx, { key: 'projects', noun: 'projects', columns: PROJECT_COLUMNS }, (page) =>
        ctx.client.projects.list({ ...page, space_id: spaceId, name: opts.name }),
      );
    }));

  serverCommand(projects, 'get', 'Show a project')
    .argument('<project>', 'project name (with --space) or id')
    .option('-s, --space <space>', SPACE_HELP)
    .action(action(async (ctx, project: string) => {
      ctx.printer.object(await resolveProject(ctx.client, project, ctx.space(ctx.opts<{ space?: string }>().space)));
    }));

  serverCommand(projects, 'create', 'Create a project in a space')
    .requiredOption('-n, --name <name>', 'project name (unique in its space)')
    .option('-s, --space <space>', SPACE_HELP)
    .action(action(async (ctx) => {
      const opts = ctx.opts<{ name: string; space?: string }>();
      const space = ctx.space(opts.space);
      if (space === undefined) throw new UsageError('missing --space', 'Pass --space SPACE (name or id), or set ARIZE_SPACE.');
      const spaceId = await resolveSpaceId(ctx.client, space);
      ctx.printer.object(await ctx.client.projects.create({ name: opts.name, space_id: spaceId }));
    }));

  serverCommand(projects, 'update', 'Rename a project')
    .argument('<project>', 'project name (with --space) or id')
    .option('-s, --space <space>', SPACE_HELP)
    .requiredOption('-n, --name <name>', 'new name')
    .action(action(async (ctx, project: string) => {
      const opts = ctx.opts<{ name: string; space?: string }>();
      const found = await resolveProject(ctx.client, project, ctx.space(opts.space));
      ctx.printer.object(await ctx.client.projects.update(found.id, { name: opts.name }));
    }));

  withDryRun(destructiveCommand(projects, 'delete', 'Delete a project with all its traces and datasets'), { addOutput: true })
    .argument('<project>', 'project name (with --space) or id')
    .option('-s, --space <space>', SPACE_HELP)
    .action(action(async (ctx, project: string) => {
      const found = await resolveProject(ctx.client, project, ctx.space(ctx.opts<{ space?: string }>().space));
      if (isDryRun(ctx)) {
        printDeletePreview(ctx, await ctx.client.projects.previewDelete(found.id));
        return;
      }
      const proceed = await confirmDestructive(ctx.printer, {
        force: Boolean(ctx.opts().force),
        action: `delete project ${found.name}`,
        declined: `Project ${found.name} not deleted.`,
        consequences: async () => describeProjectDelete(await ctx.client.projects.previewDelete(found.id)),
      });
      if (!proceed) return;
      await ctx.client.projects.delete(found.id);
      ctx.printer.success(`Deleted project ${found.name} (${found.id})`);
    }));

  return projects;
}
