import { UsageError } from '../errors/cli-error.js';
import type { Printer } from '../output/printer.js';
import { askText, askYesNo } from './ask.js';
import { canPrompt } from './tty.js';

export interface DestructiveAction {
  /** Skip the question (`-f/--force`). */
  force: boolean;
  /**
   * What will happen, as a verb phrase: `delete user jane@example.com`. A function is read after `consequences`, so
   * the phrase can count what the preview found still to do (`delete 1 user` when another one is already gone).
   */
  action: string | (() => string);
  /**
   * The cascade, one consequence per line; computed only when someone will read it. `null`: looking found nothing
   * left to do (every target is gone), so nothing is asked and confirmDestructive answers false without a word.
   */
  consequences?: () => Promise<string[] | null>;
  /** Printed when the answer is no: `User jane@example.com not deleted.` */
  declined: string;
  /** Ask to type this text (the space's name) instead of y/N. */
  typeToConfirm?: string;
}

/**
 * Asks before a destructive action (gh style): on a terminal it says exactly what will happen and asks y/N,
 * defaulting to No; without a terminal it refuses (exit 2) unless `--force` was given, so CI never hangs.
 * Returns false when declined (the caller then exits 0) or when there was nothing left to do (see consequences).
 */
export async function confirmDestructive(printer: Printer, request: DestructiveAction): Promise<boolean> {
  if (request.force) return true;
  const action = () => (typeof request.action === 'string' ? request.action : request.action());
  if (!canPrompt()) {
    throw new UsageError(
      `refusing to ${action()} without confirmation (no terminal to ask on); add --force to proceed`,
      'Run it in a terminal to see exactly what it would do, or pass --force.',
    );
  }
  const consequences = request.consequences ? await request.consequences() : [];
  if (consequences === null) return false;
  const what = action();
  printer.warn(`This will ${what}${consequences.length > 0 ? ':' : '.'}`);
  for (const line of consequences) printer.info(`    - ${line}`);
  let confirmed: boolean;
  if (request.typeToConfirm !== undefined) {
    const typed = await askText(`Type ${request.typeToConfirm} to confirm:`);
    confirmed = typed.trim() === request.typeToConfirm;
  } else {
    confirmed = await askYesNo(`${what[0]!.toUpperCase()}${what.slice(1)}?`);
  }
  if (!confirmed) printer.info(request.declined);
  return confirmed;
}
