import { EXIT_CODE_MEANINGS } from '../errors/exit-codes.js';

/** `ax help <topic>` texts (gh's `help exit-codes` / `help environment`). */
export const HELP_TOPICS: Readonly<Record<string, { summary: string; text: () => string }>> = {
  'exit-codes': {
    summary: 'what each exit code means',
    text: () =>
      [
        'ax exit codes (as Arize\'s CLI):',
        '',
        ...EXIT_CODE_MEANINGS.map(({ code, meaning }) => `  ${String(code).padStart(3)}  ${meaning}`),
        '',
        '`ax users delete a b c` exits 4 when any user was not deleted; each row says why.',
        '',
      ].join('\n'),
  },
  environment: {
    summary: 'environment variables ax reads',
    text: () =>
      [
        'Environment variables (a flag beats the environment, the environment beats the profile):',
        '',
        '  ARIZE_API_KEY        API key (like --api-key); also beats a profile\'s browser login (`ax auth login`)',
        '  ARIZE_ENDPOINT       server base URL, e.g. http://127.0.0.1:8080 (like --endpoint)',
        '  ARIZE_API_HOST       server host as Arize\'s SDKs read it; with ARIZE_API_SCHEME (default https)',
        '  ARIZE_API_SCHEME     and ARIZE_API_PORT (appended when non-zero)',
        '  ARIZE_API_PORT',
        '  ARIZE_SPACE          space name or id used when --space is omitted',
        '  ARIZE_DIRECTORY      profile folder instead of ~/.arize',
        '  BROWSER              command that `ax auth login` opens its URL with (run by sh, the URL as its argument)',
        '  NO_COLOR             never colour output (CLICOLOR=0 too; CLICOLOR_FORCE=1 forces colour)',
        '  COLUMNS              table width when stdout is not a terminal',
        '',
        'With nothing set, ax talks to http://127.0.0.1:8080 (a local `ax serve`).',
        '`ax serve` reads AX_HOST, AX_PORT, AX_DATA_DIR, DATABASE_URL, AX_ADMIN_EMAIL, AX_ADMIN_API_KEY and AX_ADMIN_PASSWORD.',
        '',
      ].join('\n'),
  },
};
