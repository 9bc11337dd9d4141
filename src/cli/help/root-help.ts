import { NOUNS } from '../registry.js';
import { HELP_TOPICS } from './topics.js';

/**
 * `ax --help`: rendered from the command registry without commander, so the most common help costs no more than
 * `ax --version`. commander prints the same text for `ax help`, through program.ts.
 */
export function rootHelp(): string {
  const commands: [string, string][] = [
    ...NOUNS.map((noun): [string, string] => [noun.name, noun.description]),
    ['help [topic...]', `Help about a command, or a topic: ${Object.keys(HELP_TOPICS).join(', ')}`],
  ];
  const options: [string, string][] = [['-V, --version', 'print the version'], ['-h, --help', 'display help for command']];
  const width = Math.max(...[...commands, ...options].map(([term]) => term.length));
  const rows = (list: [string, string][]) => list.map(([term, text]) => `  ${term.padEnd(width)}  ${text}`).join('\n');
  return [
    'Usage: ax <command> <subcommand> [flags]',
    '',
    'Administer users, organizations, spaces, projects, roles and API keys of an Arize-compatible admin plane.',
    '',
    'Commands:',
    rows(commands),
    '',
    'Options:',
    rows(options),
    '',
    'Run `ax <command> --help` (or `ax help <command> [<subcommand>]`) for the flags of a command.',
    `Topics: ${Object.entries(HELP_TOPICS).map(([name, topic]) => `\`ax help ${name}\` (${topic.summary})`).join(', ')}.`,
    '',
  ].join('\n');
}
