/** Exit codes, as Arize's CLI defines them; scripts may rely on them. Also the `ax help exit-codes` topic. */
export const EXIT = {
  OK: 0,
  GENERAL: 1,
  USAGE: 2,
  AUTH: 3,
  API: 4,
  FILE_IO: 5,
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODE_MEANINGS: readonly { code: ExitCode; meaning: string }[] = [
  { code: EXIT.OK, meaning: 'success (also: a confirmation was declined; a role binding already existed)' },
  { code: EXIT.GENERAL, meaning: 'general or configuration error (bad profile, unset ${VAR}, server failed to start)' },
  { code: EXIT.USAGE, meaning: 'usage error: unknown command or flag, invalid value, missing --force without a terminal' },
  { code: EXIT.AUTH, meaning: 'authentication: no API key or login configured, the server answered 401, or the browser login failed or ended' },
  { code: EXIT.API, meaning: 'any other API error (4xx/5xx), a name that resolves to nothing or to several, server unreachable' },
  { code: EXIT.FILE_IO, meaning: 'a file could not be read or written (-o FILE, --env-file, --assignments, profiles)' },
  { code: EXIT.INTERRUPTED, meaning: 'interrupted (Ctrl-C)' },
];

/** The exit code for an HTTP error status: 401 is an authentication failure, everything else an API error. */
export function exitCodeForStatus(status: number): ExitCode {
  return status === 401 ? EXIT.AUTH : EXIT.API;
}
