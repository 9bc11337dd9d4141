import { mkdirSync, statSync } from 'node:fs';

/**
 * The data directory holds the SQLite database (password hashes, emails), the key pepper and token key, the
 * bootstrap admin key and mailed links: only the server's user may read it. Created 0700; an existing one that
 * its group or others can enter or read is refused (as PostgreSQL's server refuses its data directory) with the
 * command that fixes it.
 */
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') return;
  const mode = statSync(dir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new Error(
      `the data directory ${dir} has mode 0${mode.toString(8)}: it holds password hashes and the keys that protect API keys, `
      + `so only the server's user may read it. Fix it with: chmod 700 ${JSON.stringify(dir)}`,
    );
  }
}
