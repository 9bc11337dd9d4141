import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { HttpError } from '../../client/errors.js';
import type { AccessPlan } from '../../client/resources/access-documents.js';
import { accessDocumentYaml } from '../../domain/access-document-text.js';
import { action } from '../action.js';
import type { CommandContext } from '../context.js';
import { OMITTED, printAccessPreview } from '../dry-run.js';
import { CliError, FileError, UsageError } from '../errors/cli-error.js';
import { exitCodeForStatus } from '../errors/exit-codes.js';
import { serverCommand } from '../options/common.js';
import type { Column } from '../output/printer.js';
import { askYesNo } from '../prompts/ask.js';
import { canPrompt } from '../prompts/tty.js';

type Operation = AccessPlan['operations'][number];

const OPERATION_COLUMNS: readonly Column<Operation>[] = [
  { header: 'ACTION', value: (o) => o.action },
  { header: 'KIND', value: (o) => o.kind },
  { header: 'TARGET', value: (o) => o.target, shrinkable: true },
  { header: 'USER', value: (o) => o.user ?? '' },
  { header: 'DETAIL', value: (o) => o.detail ?? '', shrinkable: true },
];

/** `ax diff` exits with this when applying the file would change something (as `terraform plan -detailed-exitcode`). */
const CHANGES_PENDING = 2;

/** A command of its own at the top (`ax export`), with the connection and output options of every server command. */
function topLevel(name: string, description: string): Command {
  return serverCommand(new Command(), name, description);
}

/** `ax export [-o FILE]`: the account's access document, as YAML (JSON for `-o json` or a .json file). */
export function buildExport(): Command {
  return topLevel('export', 'Write the account\'s access as a YAML document (account admins)')
    .addHelpText('after', '\nExamples:\n  ax export -o access.yaml\n  ax export > access.yaml\n  ax export -o json')
    .action(action(async (ctx) => {
      const document = await ctx.client.accessDocuments.export();
      const { target } = ctx.printer;
      if (target.kind === 'csv' || target.kind === 'jsonl') throw new UsageError(`an access document cannot be written as ${target.kind}`, 'Use -o yaml (the default), -o json, or a .yaml or .json file.');
      ctx.printer.emit(target.kind === 'json' ? `${JSON.stringify(document, null, 2)}\n` : accessDocumentYaml(document), 'the access document');
    }));
}

/** `ax diff FILE [--prune]`: what `ax apply` would change; exit 0 when nothing, 2 when something. */
export function buildDiff(): Command {
  return topLevel('diff', 'Show what applying an access document would change (exit 0: nothing, 2: changes)')
    .argument('<file>', 'the access document (YAML or JSON; - for stdin)')
    .option('--prune', 'also show what the file does not list, which `ax apply --prune` would remove')
    .action(action(async (ctx, file: string) => {
      const yaml = readDocument(file);
      const plan = await explained(file, () => ctx.client.accessDocuments.plan({ yaml }, { prune: prune(ctx) }));
      printPlan(ctx, plan);
      if (plan.operations.length > 0) process.exitCode = CHANGES_PENDING;
    }));
}

/** `ax apply FILE [--prune] [--yes]`: shows the plan, asks, applies it in one transaction. */
export function buildApply(): Command {
  return topLevel('apply', 'Apply an access document in one transaction, all or nothing (account admins)')
    .argument('<file>', 'the access document (YAML or JSON; - for stdin)')
    .option('--prune', 'also remove what the file does not list (bots\' grants excepted)')
    .option('-y, --yes', 'apply without asking')
    .action(action(async (ctx, file: string) => {
      const yes = ctx.opts<{ yes?: boolean }>().yes === true;
      let planned: readonly Operation[] | undefined;
      if (!yes && !canPrompt()) {
        throw new UsageError('refusing to apply without confirmation (no terminal to ask on); add --yes to apply, or run `ax diff` to see the changes');
      }
      const yaml = readDocument(file);
      if (!yes) {
        const plan = await explained(file, () => ctx.client.accessDocuments.plan({ yaml }, { prune: prune(ctx) }));
        printPlan(ctx, plan);
        if (plan.operations.length === 0) return;
        planned = plan.operations;
        if (!await askYesNo(`Apply these ${plan.operations.length} change(s)?`)) {
          ctx.printer.info('Nothing was applied.');
          return;
        }
      }
      const applied = await explained(file, () => ctx.client.accessDocuments.apply({ yaml }, { prune: prune(ctx) }));
      if (!ctx.printer.isTable) {
        ctx.printer.object(applied);
        return;
      }
      // The account may have changed between the question and the apply: then say so, and show what was done.
      const asShown = planned !== undefined && JSON.stringify(planned) === JSON.stringify(applied.operations);
      if (planned !== undefined && !asShown) ctx.printer.warn('The account changed since the plan was shown; these are the changes applied:');
      if (!asShown) printOperations(ctx, applied.operations);
      if (applied.operations.length === 0) ctx.printer.success('No changes: the account already matches the file.');
      else if (applied.principals_omitted) ctx.printer.success(`Applied ${applied.operations.length} change(s). ${OMITTED}`);
      else ctx.printer.success(`Applied ${applied.operations.length} change(s); ${applied.principals.length} principal(s) gained or lost access.`);
    }));
}

function prune(ctx: CommandContext): boolean {
  return ctx.opts<{ prune?: boolean }>().prune === true;
}

/** The operations as a table, then the rights they move (the dry run's table); `-o json|yaml` prints the plan as is. */
function printPlan(ctx: CommandContext, plan: AccessPlan): void {
  if (ctx.printer.isTable) {
    if (plan.operations.length === 0) {
      ctx.printer.line('No changes: the account already matches the file.');
      return;
    }
    printOperations(ctx, plan.operations);
    ctx.printer.line();
  }
  printAccessPreview(ctx, plan);
}

function printOperations(ctx: CommandContext, operations: readonly Operation[]): void {
  ctx.printer.list({ noun: 'changes', columns: OPERATION_COLUMNS, items: [...operations], response: { operations } });
}

function readDocument(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new FileError(`could not read ${file}: ${(error as Error).message}`, 'Check the path; `ax export -o FILE` writes a document to start from.');
  }
}

/**
 * Sends the file's text; a document the server refuses comes back with each error's path, line and column, printed
 * as `FILE:LINE:COLUMN: path: message`, one a line.
 */
async function explained<T>(file: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const issues = error instanceof HttpError ? (error.problem as { errors?: { path: string; line?: number; column?: number; message: string }[] } | undefined)?.errors : undefined;
    if (!(error instanceof HttpError) || !issues || issues.length === 0) throw error;
    const name = file === '-' ? '<stdin>' : file;
    const lines = issues.map((i) => `  ${name}${i.line === undefined ? '' : `:${i.line}:${i.column}`}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`);
    throw new CliError(`${name} is not a valid access document (${error.status}):\n${lines.join('\n')}`, {
      exitCode: exitCodeForStatus(error.status),
      suggestion: 'Fix the lines named; `ax export` shows the format, and docs/access-document.schema.json lets an editor check it.',
    });
  }
}
