import { stringify } from 'smol-toml';
import type { ConfigOverrides } from '../config/config.js';
import { loadConfiguration } from '../config/config-file.js';

/** Settings whose values are never shown: keys, tokens, passwords, peppers, secrets (by their names' last word). */
const SECRET_NAME = /(?:Keys?|Tokens?|Password|Pepper|Secrets?)$/;
const MASK = '********';

/** `keyPepper` → `key_pepper`. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/** A URL's password (postgres://user:pw@host, smtp://user:pw@host) is masked; the rest is shown. */
function maskUrlPassword(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = MASK;
    return url.toString();
  } catch {
    return text;
  }
}

function shown(name: string, value: unknown): unknown {
  if (SECRET_NAME.test(name)) return Array.isArray(value) && value.length === 0 ? [] : MASK;
  if (typeof value === 'string') return maskUrlPassword(value);
  if (Array.isArray(value)) return value.every((item) => typeof item === 'string') ? value : `${value.length} entries`;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return MASK;
}

/**
 * `ax serve --print-config`: the effective configuration (after flags, environment, file and defaults), one
 * `name = value` line per setting in TOML syntax, secrets and URL passwords masked, unset settings as comments.
 * Nothing is opened or created: only the configuration is read.
 */
export function describeConfig(overrides: ConfigOverrides & { configFile?: string | undefined }, env: NodeJS.ProcessEnv): string {
  const { config, sources } = loadConfiguration(overrides, env);
  const lines = [
    '# ax serve: the effective configuration (flags, then environment, then '
      + `${sources.file ? `the file ${sources.file}` : 'no configuration file'}, then defaults); secrets are masked`,
  ];
  for (const [name, value] of Object.entries(config).sort(([a], [b]) => a.localeCompare(b))) {
    const key = snakeCase(name);
    if (value === undefined) lines.push(`# ${key} is not set`);
    else lines.push(stringify({ [key]: shown(name, value) }).trim());
  }
  return `${lines.join('\n')}\n`;
}
