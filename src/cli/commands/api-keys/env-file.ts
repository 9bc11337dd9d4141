import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Writes `NAME=<value>` into a dotenv (or .envrc) file with mode 0600: an existing line for that variable is
 * replaced (keeping an `export ` prefix), other lines are kept, a missing file is created. `name` is a plain
 * variable name (letters, digits, `_`).
 */
export function writeSecretToEnvFile(path: string, name: string, value: string): void {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const existing = new RegExp(`^(?:export\\s+)?${name}=.*$`, 'm');
  const line = `${name}=${value}`;
  const updated = existing.test(text)
    ? text.replace(existing, (old) => (old.startsWith('export') ? `export ${line}` : line))
    : `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${line}\n`;
  writeFileSync(path, updated, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** `ARIZE_API_KEY=<key>`, as writeSecretToEnvFile writes it. */
export function writeKeyToEnvFile(path: string, key: string): void {
  writeSecretToEnvFile(path, 'ARIZE_API_KEY', key);
}
