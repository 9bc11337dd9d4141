import { CliError } from '../errors/cli-error.js';
import { EXIT } from '../errors/exit-codes.js';
import { closeMatches } from './close-matches.js';

/** A name matched nothing (`kind` reads like "space named"); lists the close names seen (client-side, exit 4 like any failed lookup). */
export function nameNotFound(
  kind: string,
  input: string,
  seen: Iterable<string>,
  listCommand: string,
  rule = 'Names match exactly and case-sensitively',
): NameNotFoundError {
  const close = closeMatches(input, seen);
  const hint = close.length > 0 ? `; close names: ${close.map((name) => JSON.stringify(name)).join(', ')}` : '';
  return new NameNotFoundError(`no ${kind} ${JSON.stringify(input)}${hint}`, `${rule}; list them with \`${listCommand}\`, or pass the id.`);
}

/** A name (or email) that resolved to nothing. */
export class NameNotFoundError extends CliError {
  constructor(message: string, suggestion: string) {
    super(message, { exitCode: EXIT.API, suggestion });
    this.name = 'NameNotFoundError';
  }
}

/** A name matched several resources (space names are unique only within an organization). */
export function ambiguousName(kind: string, input: string, matches: readonly { id: string; where?: string | undefined }[]): CliError {
  const ids = matches.map((m) => (m.where ? `${m.id} (${m.where})` : m.id)).join(', ');
  return new CliError(`${matches.length} ${kind}s are named ${JSON.stringify(input)}: ${ids}`, {
    exitCode: EXIT.API,
    suggestion: 'Pass the id of the one you mean instead of the name.',
  });
}
