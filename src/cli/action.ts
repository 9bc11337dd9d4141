import type { Command } from 'commander';
import { createContext, type CommandContext } from './context.js';
import { EXIT } from './errors/exit-codes.js';
import { reportError } from './errors/report.js';
import { colorEnabled, createStyle } from './output/style.js';

/**
 * Wraps a command's action: builds its context, runs it, and turns any failure into the `✗ Error:` lines on stderr
 * and an exit code (never a stack trace unless --verbose). Commander passes positional arguments, then the options
 * object, then the command.
 */
export function action<A extends unknown[]>(
  run: (ctx: CommandContext, ...args: A) => Promise<void>,
  options: { offline?: boolean } = {},
): (...raw: unknown[]) => Promise<void> {
  return async (...raw: unknown[]) => {
    const command = raw[raw.length - 1] as Command;
    const args = raw.slice(0, command.registeredArguments.length) as A;
    const verbose = Boolean((command.opts() as { verbose?: boolean }).verbose);
    const onInterrupt = () => {
      process.stderr.write('\n✗ Interrupted\n');
      process.exit(EXIT.INTERRUPTED);
    };
    process.once('SIGINT', onInterrupt);
    try {
      const ctx = await createContext(command, options.offline ?? false);
      await run(ctx, ...args);
    } catch (error) {
      // The command's group, however deep (`users`, `sso role-mappings`), for suggestions such as `ax users list`
      // (only a group that has a list command).
      const groups: string[] = [];
      for (let group = command.parent; group?.parent; group = group.parent) groups.unshift(group.name());
      const listable = command.parent?.commands.some((sibling) => sibling.name() === 'list') ?? false;
      const noun = groups.length > 0 && listable ? groups.join(' ') : undefined;
      const report = reportError(error, { verbose, style: createStyle(colorEnabled(process.stderr)), context: { noun } });
      process.stderr.write(report.lines.join('\n') + '\n');
      process.exitCode = report.exitCode;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
  };
}
