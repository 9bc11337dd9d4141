import type { HttpError } from '../../client/errors.js';
import { isPermission } from '../../domain/permissions.js';

/** What the failing command was about, so a suggestion can name the right `ax … list`. */
export interface ErrorContext {
  /** e.g. `organizations`; undefined for commands that are not about a resource. */
  noun?: string | undefined;
}

/** Problem codes whose status-keyed suggestion would mislead (a 403 that no grant can fix, a cursor that is not stale). */
const SUGGESTION_BY_CODE: Readonly<Record<string, string>> = {
  WRONG_USER_STATUS: 'Invitations go to INVITED or EXPIRED users, password resets to ACTIVE ones; see the status with `ax users get USER`.',
  PREDEFINED_ROLE_IMMUTABLE: 'Predefined roles (Admin, Member, Read Only, Annotator) cannot be changed or deleted by anyone; create a custom role with `ax roles create --name NAME --permissions P1,P2`.',
  LAST_ACTIVE_ADMIN: 'Make another user an account admin first (`ax users set-role USER admin`); the account keeps one ACTIVE admin.',
  INVALID_CURSOR: 'Pass the --cursor printed at the end of the previous page unchanged, or drop it to start from the first page.',
};

/**
 * 409s that share the generic CONFLICT code but whose title names a state no other name fixes (the status-keyed
 * "choose another name" would mislead): keyed by the title the service gives them.
 */
const CONFLICT_SUGGESTION_BY_TITLE: Readonly<Record<string, string>> = {
  'grant revoked': 'This review already revoked that grant, so there is nothing left to keep: leave it revoked, or grant the access again through the normal commands if it is needed. See what is still undecided with `ax access-reviews grants REVIEW --decision undecided`.',
  'access review closed': 'A closed review\'s decisions are final; take a new review with `ax access-reviews create NAME` to decide again.',
  'grant changed since the review': 'The grant changed after the review froze it; take a new review with `ax access-reviews create NAME` and decide there.',
};

/** The `Suggestion:` line for an API error, keyed by problem code (or a CONFLICT's title) where one needs its own, else by status. */
export function suggestionFor(error: HttpError, context: ErrorContext = {}): string {
  const list = context.noun ? `\`ax ${context.noun} list\`` : 'the matching `ax … list` command';
  const status = error.status;
  const byCode = error.problem?.code === undefined ? undefined : SUGGESTION_BY_CODE[error.problem.code];
  if (byCode !== undefined) return byCode;
  const byTitle = error.problem?.code === 'CONFLICT' ? CONFLICT_SUGGESTION_BY_TITLE[error.problem.title] : undefined;
  if (byTitle !== undefined) return byTitle;
  if (error.problem === undefined && status >= 400 && status < 500 && status !== 401 && status !== 429) {
    // No problem+json: a web server or proxy answered, not the ax API (a wrong endpoint or a path prefix).
    const type = (error.headers['content-type'] ?? '').split(';')[0]?.trim();
    return `That endpoint answered without an API problem body${type ? ` (${type})` : ''}, so it is probably not an ax server: check the endpoint with \`ax profiles show\`, or pass --endpoint URL.`;
  }
  if (status === 400) return 'Check the values passed (run the command with --help for the accepted flags and values).';
  if (status === 401) {
    return 'The API key was refused. See which key is in use with `ax profiles show`, replace it with `ax profiles update --api-key KEY`, or set ARIZE_API_KEY.';
  }
  if (status === 403) {
    const permission = missingPermission(error.reason);
    return permission
      ? `Your key lacks ${permission} here. Ask an admin to grant it, or use an admin's profile (\`ax profiles use NAME\`).`
      : "Your key lacks the permission for this. Ask an admin to grant it, or use an admin's profile (`ax profiles use NAME`).";
  }
  if (status === 404) return `It does not exist or is not visible to you. List what exists with ${list}.`;
  if (status === 409) return `It already exists (or is still in use). Find the existing one with ${list}, or choose another name.`;
  if (status === 422) return 'The request is well-formed but breaks the rule named above; change it accordingly.';
  if (status === 429) {
    const wait = error.headers['retry-after'];
    return wait ? `Too many requests; wait ${wait} s and retry.` : 'Too many requests; wait a moment and retry.';
  }
  if (status === 503) {
    // The server is up but cannot do this now (its database does not answer, say): the detail above says what.
    const wait = error.headers['retry-after'];
    return `The server cannot do this right now; retry ${wait ? `in ${wait} s` : 'shortly'}, and tell its operator if it persists.`;
  }
  if (status >= 500) {
    const id = error.headers['x-request-id'];
    return `The server failed; retry shortly${id ? `, and report request id ${id} to its operator if it persists` : ''}.`;
  }
  return 'Run the command again with --verbose for the full response.';
}

/** The first permission name of the catalogue mentioned in a problem detail (the server names the one that is missing). */
export function missingPermission(text: string): string | undefined {
  for (const match of text.matchAll(/\b[A-Z][A-Z_]*[A-Z]\b/g)) {
    if (isPermission(match[0])) return match[0];
  }
  return undefined;
}
