import type { Command } from 'commander';
import { integerIn } from './values.js';

/** Options every command that talks to the server takes. */
function withConnection(cmd: Command): Command {
  return cmd
    .option('-p, --profile <name>', 'use this profile instead of the active one')
    .option('--endpoint <url>', 'server base URL (overrides ARIZE_ENDPOINT and the profile)')
    .option('--api-key <key>', 'API key (overrides ARIZE_API_KEY and the profile; prefer those, flags end up in shell history)')
    .option('-v, --verbose', 'on errors, show the full problem, response headers and raw body');
}

export function withOutput(cmd: Command): Command {
  return cmd.option('-o, --output <format>', 'table, json, yaml, csv, or a file path (.json, .jsonl, .yaml, .csv) (default: the profile\'s [output] format, else table)');
}

function withPaging(cmd: Command): Command {
  return cmd
    .option('-l, --limit <n>', 'how many to show (pages of at most 100 are followed for more)', integerIn(1, 1_000_000), 50)
    .option('-c, --cursor <cursor>', 'start at this cursor (printed at the end of the previous page)')
    .option('--all', 'follow every page');
}

export function withForce(cmd: Command): Command {
  return cmd.option('-f, --force', 'do not ask for confirmation');
}

/** A server command that prints a result: connection and output options. */
export function serverCommand(parent: Command, name: string, description: string): Command {
  return withOutput(withConnection(parent.command(name).description(description)));
}

/** A list command: connection, output and paging options. */
export function listCommand(parent: Command, name: string, description: string): Command {
  return withPaging(serverCommand(parent, name, description));
}

/** A destructive command: connection and `--force`. */
export function destructiveCommand(parent: Command, name: string, description: string): Command {
  return withForce(withConnection(parent.command(name).description(description)));
}
