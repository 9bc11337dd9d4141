import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'smol-toml';

/** A profile as Arize's CLI writes it; sections this CLI does not use are kept as they are. */
export interface ProfileConfig {
  profile?: { name?: string };
  auth?: {
    api_key?: string;
    /** Arize's newer CLI: `api-key` (the default) or `oauth` (`ax auth login`, tokens in `[auth.oauth]`). */
    auth_method?: string;
    oauth?: OAuthSection;
    [key: string]: unknown;
  };
  routing?: {
    api_host?: string;
    api_scheme?: string;
    api_port?: number | string;
    single_host?: string;
    single_port?: number | string;
    region?: string;
    base_domain?: string;
    [key: string]: unknown;
  };
  output?: { format?: string; [key: string]: unknown };
  [section: string]: unknown;
}

/**
 * `[auth.oauth]` as Arize's CLI writes it after `ax auth login`. `expires_at` is an RFC 3339 UTC string (a TOML
 * datetime when another tool wrote it bare); `user_email` comes from the unverified id_token and is for display only.
 */
export interface OAuthSection {
  access_token?: string;
  refresh_token?: string;
  expires_at?: string | Date;
  user_email?: string;
  [key: string]: unknown;
}

/** Reads and parses a profile file; throws with the file name on malformed TOML. */
export function readProfileFile(file: string): ProfileConfig {
  const text = readFileSync(file, 'utf8');
  try {
    return toPlain(parse(text)) as ProfileConfig;
  } catch (error) {
    throw new Error(`${file} is not valid TOML: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * Writes a profile with mode 0600 (it holds a key), in a 0700 folder, atomically: a temp file in the same folder is
 * renamed over the old one, so a crash never leaves half a profile.
 */
export function writeProfileFile(file: string, config: ProfileConfig): void {
  const dir = dirname(file);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(temp, stringify(config), { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
}

/** smol-toml returns null-prototype objects; plain ones print and compare normally. */
function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toPlain(v)]));
  }
  return value;
}
