import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

const KEY_LINE = /^(?:export\s+)?ARIZE_API_KEY=.*$/m;

/**
 * Writes `ARIZE_API_KEY=<key>` into a dotenv (or .envrc) file with mode 0600: an existing ARIZE_API_KEY line is
 * replaced (keeping an `export ` prefix), other lines are kept, a missing file is created.
 */
export function writeKeyToEnvFile(path: string, key: string): void {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const line = `ARIZE_API_KEY=${key}`;
  const updated = KEY_LINE.test(text)
    ? text.replace(KEY_LINE, (old) => (old.startsWith('export') ? `export ${line}` : line))
    : `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
  writeFileSync(path, updated, { mode: 0o600 });
  chmodSync(path, 0o600);
}
