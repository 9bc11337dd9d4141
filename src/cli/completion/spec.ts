import type { Command } from 'commander';
import { OUTPUT_FORMATS } from '../output/format.js';

/** What a completion script needs to know about a command. */
export interface CommandSpec {
  name: string;
  description: string;
  options: OptionSpec[];
  /** Values of the first positional argument, when it has a fixed set (e.g. `completion <shell>`). */
  argumentChoices: string[];
  subcommands: CommandSpec[];
}

export interface OptionSpec {
  short?: string;
  long: string;
  description: string;
  takesValue: boolean;
  /** Known values (enums, predefined roles); completion offers them. */
  choices: string[];
  /** The value is a file path (`-o`, `--env-file`, …). */
  isPath: boolean;
}

const PATH_OPTIONS = new Set(['--output', '--env-file', '--assignments', '--from-file', '--data-dir']);

/** Reads the commander tree (hidden options left out). */
export function commandSpec(command: Command): CommandSpec {
  return {
    name: command.name(),
    description: command.description(),
    options: command.options
      .filter((option) => !option.hidden && option.long !== undefined)
      .map((option) => ({
        ...(option.short ? { short: option.short } : {}),
        long: option.long!,
        description: option.description,
        takesValue: option.required || option.optional,
        choices: option.long === '--output' ? [...OUTPUT_FORMATS] : (option.argChoices ?? []),
        isPath: PATH_OPTIONS.has(option.long!),
      })),
    argumentChoices: command.registeredArguments[0]?.argChoices ?? [],
    subcommands: command.commands.map(commandSpec),
  };
}
